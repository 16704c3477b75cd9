using System.Globalization;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using HonoMqtt.Adapter.Limits;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Limits;

/// <summary>
/// Hono's Prometheus-based resource-limit checks across instances: a real Prometheus scrapes two adapter instances,
/// and each instance checks the tenant's limits against the sum over both [spec registry-and-limits.md §3.2].
/// </summary>
public sealed class PrometheusBasedLimitTests
{
    private static readonly TimeSpan PrometheusDeadline = TimeSpan.FromSeconds(20);

    private static readonly DateTimeOffset Since = DateTimeOffset.UtcNow.AddDays(-2);

    private static string Registry(string limits) => $$"""
        {
          "tenants": { "t1": { "enabled": true, "resource-limits": { {{limits}} } } },
          "devices": {
            "t1": {
              "d1": { "enabled": true, "credentials": [ { "type": "hashed-password", "auth-id": "a1", "secrets": [ { "pwd-plain": "pw1" } ] } ] },
              "d2": { "enabled": true, "credentials": [ { "type": "hashed-password", "auth-id": "a2", "secrets": [ { "pwd-plain": "pw2" } ] } ] }
            }
          }
        }
        """;

    private static Dictionary<string, string?> Settings(int prometheusPort, int cacheTimeout) => new()
    {
        ["hono:connectionEvents:producer"] = "none",
        ["hono:resourceLimits:prometheusBased:host"] = "127.0.0.1",
        ["hono:resourceLimits:prometheusBased:port"] = prometheusPort.ToString(CultureInfo.InvariantCulture),
        ["hono:resourceLimits:prometheusBased:queryTimeout"] = "2000",
        ["hono:resourceLimits:prometheusBased:cacheTimeout"] = cacheTimeout.ToString(CultureInfo.InvariantCulture),
    };

    [SetUp]
    public void RequirePrometheus()
    {
        if (!PrometheusServer.IsInstalled)
        {
            Assert.Fail("/usr/bin/prometheus is missing: run scripts/install-test-deps.sh");
        }
    }

    [TestCase(MqttProtocolVersion.V311, MqttClientConnectResultCode.NotAuthorized)]
    [TestCase(MqttProtocolVersion.V500, MqttClientConnectResultCode.QuotaExceeded)]
    public async Task AConnectionOnOneInstanceCountsAgainstMaxConnectionsOnTheOther(MqttProtocolVersion version, MqttClientConnectResultCode expected)
    {
        var prometheusPort = FreePort.Get();
        var registry = Registry("\"max-connections\": 1");
        await using var a = await RunningAdapter.StartAsync(registry, Settings(prometheusPort, cacheTimeout: 1));
        await using var b = await RunningAdapter.StartAsync(registry, Settings(prometheusPort, cacheTimeout: 1));
        await using var prometheus = await PrometheusServer.StartAsync(prometheusPort, [a.HealthPort, b.HealthPort]);
        await Poll.UntilAsync(async () => await prometheus.QueryAsync("count(up{job=\"adapters\"} == 1)") == 2, "Prometheus scrapes both instances", PrometheusDeadline);

        using var first = await a.ConnectDeviceAsync("a1@t1", "pw1", version);
        await Poll.UntilAsync(async () => await prometheus.QueryAsync(PrometheusResourceUsage.ConnectionsQuery("t1")) == 1,
            "Prometheus has scraped the connection on instance A", PrometheusDeadline);

        var (second, result) = await MqttTestClient.ConnectAsync(b.DeviceOptions("a2@t1", "pw2", version));
        second.Dispose();
        result.ResultCode.Should().Be(expected, "instance B sees the tenant's connection on A through Prometheus");

        // Once A's connection has gone and Prometheus has seen it go, B accepts the device (after B's cache time).
        await first.DisconnectAsync();
        await Poll.UntilAsync(async () => await prometheus.QueryAsync(PrometheusResourceUsage.ConnectionsQuery("t1")) == 0,
            "Prometheus has scraped the end of the connection on A", PrometheusDeadline);
        await Poll.UntilAsync(async () =>
        {
            var (client, r) = await MqttTestClient.ConnectAsync(b.DeviceOptions("a2@t1", "pw2", version));
            client.Dispose();
            return r.ResultCode == MqttClientConnectResultCode.Success;
        }, "instance B accepts the device once A's connection is gone", PrometheusDeadline);
    }

    [Test]
    public async Task DataVolumeConsumedOnOneInstanceExceedsTheLimitOnTheOther()
    {
        var prometheusPort = FreePort.Get();
        var registry = Registry($$"""
            "data-volume": { "effective-since": "{{Since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}", "max-bytes": 1000, "period": { "mode": "days", "no-of-days": 30 } }
            """);
        await using var a = await RunningAdapter.StartAsync(registry, Settings(prometheusPort, cacheTimeout: 0));
        await using var b = await RunningAdapter.StartAsync(registry, Settings(prometheusPort, cacheTimeout: 0));
        await using var prometheus = await PrometheusServer.StartAsync(prometheusPort, [a.HealthPort, b.HealthPort]);
        await using var telemetryA = await a.AttachReceiverAsync("telemetry/t1");
        await using var telemetryB = await b.AttachReceiverAsync("telemetry/t1");
        await Poll.UntilAsync(async () => await prometheus.QueryAsync("count(up{job=\"adapters\"} == 1)") == 2, "Prometheus scrapes both instances", PrometheusDeadline);
        using var onB = await b.ConnectDeviceAsync("a2@t1", "pw2", MqttProtocolVersion.V500);
        using var onA = await a.ConnectDeviceAsync("a1@t1", "pw1", MqttProtocolVersion.V500);

        // increase() counts what a series gained while Prometheus watched it: the first message creates the series.
        (await PublishAsync(onA, 10)).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        await Poll.UntilAsync(async () => await prometheus.QueryAsync("sum(hono_telemetry_payload_bytes_sum{tenant=\"t1\"})") == 10,
            "Prometheus has scraped the first message's series", PrometheusDeadline);
        (await PublishAsync(onA, 500)).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success, "A's own count is 510 of 1000");
        var minutes = (long)(DateTimeOffset.UtcNow - Since).TotalMinutes;
        await Poll.UntilAsync(async () => await prometheus.QueryAsync(PrometheusResourceUsage.DataVolumeQuery("t1", minutes)) >= 500,
            "Prometheus reports A's data volume", PrometheusDeadline);

        var refused = await PublishAsync(onB, 600);

        refused.ReasonCode.Should().Be(MqttClientPublishReasonCode.QuotaExceeded, "B has seen no traffic itself; A's 500 bytes + 600 exceed 1000");
        refused.ReasonString.Should().Be("tenant's accumulated message data volume exceeds configured maximum value");
        (await telemetryA.NextAsync()).Should().NotBeNull();
        (await telemetryA.NextAsync()).Should().NotBeNull();
        telemetryB.TryTake(out _).Should().BeFalse("B forwarded nothing");
    }

    [Test]
    public async Task AnUnreachablePrometheusFailsOpen_AndTheInstancesOwnCountStillApplies()
    {
        var registry = Registry($$"""
            "max-connections": 1,
            "data-volume": { "effective-since": "{{Since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}", "max-bytes": 100, "period": { "mode": "days", "no-of-days": 30 } }
            """);
        // Nothing listens on the port: every query fails, every check passes on Prometheus' part.
        await using var adapter = await RunningAdapter.StartAsync(registry, Settings(FreePort.Get(), cacheTimeout: 60));
        await using var telemetry = await adapter.AttachReceiverAsync("telemetry/t1");

        using var device = await adapter.ConnectDeviceAsync("a1@t1", "pw1", MqttProtocolVersion.V500);
        (await PublishAsync(device, 60)).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        (await telemetry.NextAsync()).Should().NotBeNull();

        (await PublishAsync(device, 60)).ReasonCode.Should().Be(MqttClientPublishReasonCode.QuotaExceeded, "the instance's own 60 + 60 exceed 100");
        var (second, result) = await MqttTestClient.ConnectAsync(adapter.DeviceOptions("a2@t1", "pw2", MqttProtocolVersion.V500));
        second.Dispose();
        result.ResultCode.Should().Be(MqttClientConnectResultCode.QuotaExceeded, "the instance's own connection count is 1");
    }

    private static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, int size) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("telemetry/?on-error=ignore").WithPayload(new byte[size])
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
}
