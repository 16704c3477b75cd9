using System.Globalization;
using HonoMqtt.Adapter.IntegrationTests.Embedded;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Runs <c>hono-mqtt-cli command</c> (built first if needed).</summary>
internal static class CommandCli
{
    public static async Task<ProcessResult> RunAsync(int port, params string[] arguments)
    {
        var cli = await CliBuild.EnsureBuiltAsync();
        return await ChildProcess.RunAsync("dotnet",
            [cli, "command", "--port", port.ToString(CultureInfo.InvariantCulture), "--timeout-seconds", "20", .. arguments],
            TimeSpan.FromSeconds(40));
    }
}
