using System.Diagnostics;
using FluentAssertions;
using HonoMqtt.Adapter.Downstream;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>Runs the built <c>hono-mqtt-cli</c> (building it first if it is missing or older than its sources).</summary>
public sealed class ConsumeCliTests
{
    [Test]
    public async Task ConsumePrintsOneMessageAndExits()
    {
        var cli = await CliBuild.EnsureBuiltAsync();
        await using var harness = await EmbeddedHarness.StartAsync();
        using var process = Start(cli, "consume", "--tenant", "DEFAULT_TENANT", "--port", harness.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--count", "1", "--timeout-seconds", "30");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // The CLI attaches on telemetry and event; wait until it granted credit on both.
            await EmbeddedHarness.WaitUntilAsync(
                () => process.HasExited || (harness.Endpoint.GetCredit("telemetry/DEFAULT_TENANT") > 0 && harness.Endpoint.GetCredit("event/DEFAULT_TENANT") > 0),
                "the CLI's receivers");
            process.HasExited.Should().BeFalse(await Output(stdout, stderr));

            var outcome = await harness.SendAsync("telemetry/DEFAULT_TENANT", EmbeddedHarness.HonoMessage("DEFAULT_TENANT", "4711", "21.5 degrees"));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

            outcome.Should().Be(SendOutcome.Accepted, "the CLI accepts what it printed");
            process.ExitCode.Should().Be(0, await Output(stdout, stderr));
            var printed = await stdout;
            printed.Should().StartWith("telemetry/DEFAULT_TENANT\n")
                .And.Contain("  content-type: text/plain\n")
                .And.Contain("  to: telemetry/DEFAULT_TENANT\n")
                .And.Contain("  creation-time: 2023-11-14T22:13:20.123Z (1700000000123)\n")
                .And.Contain("  durable: true\n")
                .And.Contain("  ttl: 30000\n")
                .And.Contain("  annotation device_id: 4711\n")
                .And.Contain("  property device_id: 4711\n")
                .And.Contain("  property qos: 1 (int)\n")
                .And.Contain("  property orig_adapter: hono-mqtt\n")
                .And.Contain("  property orig_address: telemetry/DEFAULT_TENANT/4711\n")
                .And.Contain("  body (12 bytes): 21.5 degrees\n");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Test]
    public async Task UsageErrorsExitWith2()
    {
        var cli = await CliBuild.EnsureBuiltAsync();
        using var process = Start(cli, "consume", "--port", "5672");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        process.ExitCode.Should().Be(2);
        (await stderr).Should().Contain("--tenant is required").And.Contain("usage: hono-mqtt-cli consume");
    }

    private static Process Start(string cli, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<string> Output(Task<string> stdout, Task<string> stderr)
    {
        var done = await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        return done is null ? "(output not available)" : $"stdout: {done[0]}\nstderr: {done[1]}";
    }
}
