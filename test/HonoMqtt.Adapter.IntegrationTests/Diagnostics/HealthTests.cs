using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Diagnostics;

/// <summary><c>/liveness</c>, <c>/readiness</c> and <c>/started</c> as Hono's chart probes them.</summary>
public sealed class HealthTests
{
    [Test]
    public async Task AdapterOnTheEmbeddedEndpointIsStartedLiveAndReady()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple());

        var started = await adapter.GetHealthAsync("/started");
        var liveness = await adapter.GetHealthAsync("/liveness");
        var readiness = await adapter.GetHealthAsync("/readiness");

        started.Status.Should().Be(200);
        started.Body.Should().Contain("\"status\":\"UP\"");
        liveness.Status.Should().Be(200);
        liveness.Body.Should().Contain("\"name\":\"thread-pool\",\"status\":\"UP\"");
        readiness.Status.Should().Be(200);
        readiness.Body.Should().Contain("\"name\":\"messaging-network\",\"status\":\"UP\"")
            .And.Contain("\"name\":\"device-registry\",\"status\":\"UP\"");
    }

    [Test]
    public async Task AdapterIsNotReadyWhileTheMessagingNetworkIsUnreachable()
    {
        // Nothing listens on the port: the client keeps reconnecting (logging warnings), the adapter stays live.
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:messaging:host"] = "127.0.0.1",
            ["hono:messaging:port"] = FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["hono:messaging:connectTimeout"] = "200",
            ["hono:connectionEvents:producer"] = "logging",
        });

        var readiness = await adapter.GetHealthAsync("/readiness");
        var liveness = await adapter.GetHealthAsync("/liveness");
        var started = await adapter.GetHealthAsync("/started");

        readiness.Status.Should().Be(503);
        readiness.Body.Should().Contain("\"status\":\"DOWN\"").And.Contain("\"name\":\"messaging-network\",\"status\":\"DOWN\"");
        liveness.Status.Should().Be(200);
        started.Status.Should().Be(200);
    }

    [Test]
    public async Task ReadinessFollowsTheMessagingNetworkConnection()
    {
        var broker = await ProtonBroker.StartAsync();
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:messaging:host"] = broker.Host,
            ["hono:messaging:port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["hono:connectionEvents:producer"] = "logging",
        });
        await Poll.UntilAsync(async () => (await adapter.GetHealthAsync("/readiness")).Status == 200, "the adapter is ready");

        await broker.DisposeAsync();

        await Poll.UntilAsync(async () => (await adapter.GetHealthAsync("/readiness")).Status == 503, "the adapter is no longer ready");
        (await adapter.GetHealthAsync("/liveness")).Status.Should().Be(200);
    }
}
