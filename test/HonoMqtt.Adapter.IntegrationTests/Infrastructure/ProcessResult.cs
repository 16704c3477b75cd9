namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>How a process that ran to completion (or was killed at its timeout) ended.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public override string ToString() =>
        $"`{Command}` {(TimedOut ? "timed out and was killed" : $"exited with {ExitCode}")} after {Duration.TotalSeconds:0.00} s"
        + $"{Environment.NewLine}stdout: {StandardOutput.TrimEnd()}{Environment.NewLine}stderr: {StandardError.TrimEnd()}";
}
