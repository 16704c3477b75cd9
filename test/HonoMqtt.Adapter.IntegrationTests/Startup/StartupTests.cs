using System.Diagnostics;
using FluentAssertions;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Startup;

public sealed class StartupTests
{
    [Test]
    public async Task InvalidConfigurationStopsStartupWithEveryErrorListed()
    {
        var adapter = Path.Combine(AppContext.BaseDirectory, "HonoMqtt.Adapter.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { adapter, "--hono:mqtt:maxPayloadSize=100", "--hono:connectionEvents:producer=kafka" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        process.ExitCode.Should().Be(2);
        (await stderr).Should().Contain("maxPayloadSize").And.Contain("hono:connectionEvents:producer");
    }
}
