using System.Text;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Diagnostics;

/// <summary><c>/prometheus</c> after real MQTT traffic: Hono's meter names, types, labels and values.</summary>
public sealed class MetricsTests
{
    private const string Tenant = TestRegistry.Tenant;

    private static Task PublishAsync(IMqttClient client, string topic, int size, MqttQualityOfServiceLevel qos) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(new byte[size]).WithQualityOfServiceLevel(qos).Build());

    private static async Task<Scrape> ScrapeAsync(RunningAdapter adapter)
    {
        var (status, body) = await adapter.GetHealthAsync("/prometheus");
        status.Should().Be(200);
        return Scrape.Parse(body);
    }

    private static async Task<Scrape> ScrapeUntilAsync(RunningAdapter adapter, Func<Scrape, bool> condition, string what)
    {
        Scrape? last = null;
        await Poll.UntilAsync(async () => condition(last = await ScrapeAsync(adapter)), what);
        return last!;
    }

    [Test]
    public async Task PrometheusServesHonosMetersAfterTelemetryEventsAndConnectionAttempts()
    {
        // minimum-message-size 100: Hono accounts 10 bytes as 100 and 150 as 200.
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(tenantExtra: """, "minimum-message-size": 100"""));
        await using var telemetry = await adapter.AttachReceiverAsync($"telemetry/{Tenant}");
        await using var events = await adapter.AttachReceiverAsync($"event/{Tenant}");
        var (refused, refusedResult) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, TestRegistry.Username, "wrong"));
        var (stranger, strangerResult) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, "x@no-such-tenant", "pw"));
        refused.Dispose();
        stranger.Dispose();
        using var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password);
        await events.NextAsync();   // the "connected" event

        await PublishAsync(device, "telemetry", 10, MqttQualityOfServiceLevel.AtMostOnce);
        await PublishAsync(device, "telemetry", 10, MqttQualityOfServiceLevel.AtMostOnce);
        await PublishAsync(device, "event", 150, MqttQualityOfServiceLevel.AtLeastOnce);
        await telemetry.NextAsync();
        await telemetry.NextAsync();
        await events.NextAsync();

        var qos0 = new[] { ("type", "telemetry"), ("tenant", Tenant), ("status", "forwarded"), ("qos", "0"), ("ttd", "none") };
        var qos1 = new[] { ("type", "event"), ("tenant", Tenant), ("status", "forwarded"), ("qos", "1"), ("ttd", "none") };
        var scrape = await ScrapeUntilAsync(adapter, s => s.Value("hono_telemetry_payload_bytes_count", qos0) == 2,
            "both telemetry messages are counted");

        refusedResult.ResultCode.Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
        strangerResult.ResultCode.Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
        scrape.Value("hono_connections_authenticated", ("tenant", Tenant)).Should().Be(1);
        scrape.Value("hono_connections_unauthenticated").Should().Be(0);
        scrape.Value("hono_connections_attempts_total", ("tenant", Tenant), ("outcome", "succeeded"), ("cipher_suite", "UNKNOWN")).Should().Be(1);
        scrape.Value("hono_connections_attempts_total", ("tenant", Tenant), ("outcome", "unauthorized"), ("cipher_suite", "UNKNOWN")).Should().Be(1);
        scrape.Value("hono_connections_attempts_total", ("tenant", "UNKNOWN"), ("outcome", "unauthorized"), ("cipher_suite", "UNKNOWN"))
            .Should().Be(1, "an unknown tenant must not become a label value");

        scrape.Value("hono_telemetry_payload_bytes_sum", qos0).Should().Be(200);
        scrape.Value("hono_telemetry_payload_bytes_max", qos0).Should().Be(100);
        scrape.Value("hono_telemetry_processing_duration_seconds_count", qos0).Should().Be(2);
        scrape.Value("hono_telemetry_processing_duration_seconds_sum", qos0).Should().BeGreaterThan(0).And.BeLessThan(10);
        scrape.Value("hono_telemetry_payload_bytes_count", qos1).Should().Be(1);
        scrape.Value("hono_telemetry_payload_bytes_sum", qos1).Should().Be(200);
        scrape.Value("hono_telemetry_processing_duration_seconds_count", qos1).Should().Be(1);

        scrape.Comments.Should().Contain("# TYPE hono_connections_authenticated gauge")
            .And.Contain("# TYPE hono_connections_unauthenticated gauge")
            .And.Contain("# TYPE hono_connections_attempts_total counter")
            .And.Contain("# TYPE hono_telemetry_payload_bytes summary")
            .And.Contain("# TYPE hono_telemetry_processing_duration_seconds summary")
            .And.Contain("# TYPE hono_telemetry_processing_duration_seconds_max gauge");
        scrape.Samples.Keys.Should().OnlyContain(series => !LabelNames(series).Any(n => n.Contains('-')),
            "Prometheus label names cannot contain '-': Micrometer writes component-type as component_type");
        scrape.Samples.Keys.Where(k => k.StartsWith("process_working_set_bytes{", StringComparison.Ordinal)).Should().ContainSingle();
        scrape.Samples.Keys.Should().Contain(k => k.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal));
        scrape.Samples.Keys.Should().Contain(k => k.StartsWith("dotnet_threadpool_threads{", StringComparison.Ordinal));
    }

    [Test]
    public async Task FailedPublishesAreCountedAsUndeliverableOrUnprocessable()
    {
        // No consumer on telemetry/t1: QoS 0 telemetry fails with 503 (undeliverable, and no credit on the endpoint).
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:connectionEvents:producer"] = "logging",
        });
        using (var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password))
        {
            var closed = MqttTestClient.DisconnectedAsync(device);
            await PublishAsync(device, "telemetry", 5, MqttQualityOfServiceLevel.AtMostOnce);
            await closed.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // An empty payload without a content type is a client error (400): unprocessable.
        using (var device = await MqttTestClient.ConnectDeviceAsync(adapter.MqttPort, TestRegistry.Username, TestRegistry.Password))
        {
            var closed = MqttTestClient.DisconnectedAsync(device);
            await PublishAsync(device, "event", 0, MqttQualityOfServiceLevel.AtLeastOnce).ContinueWith(_ => { }, TaskScheduler.Default);
            await closed.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var undeliverable = new[] { ("type", "telemetry"), ("tenant", Tenant), ("status", "undeliverable"), ("qos", "0"), ("ttd", "none") };
        var unprocessable = new[] { ("type", "event"), ("tenant", Tenant), ("status", "unprocessable"), ("qos", "1"), ("ttd", "none") };
        var scrape = await ScrapeUntilAsync(adapter,
            s => s.Value("hono_telemetry_payload_bytes_count", unprocessable) == 1 && s.Value("hono_connections_authenticated", ("tenant", Tenant)) == 0,
            "the failed event is counted and both devices are gone");

        scrape.Value("hono_telemetry_payload_bytes_count", undeliverable).Should().Be(1);
        scrape.Value("hono_telemetry_payload_bytes_sum", undeliverable).Should().Be(5);
        scrape.Value("hono_telemetry_payload_bytes_sum", unprocessable).Should().Be(0);
        scrape.Value("hono_amqp_nocredit_total", ("type", "telemetry"), ("tenant", Tenant)).Should().Be(1);
        scrape.Value("hono_connections_attempts_total", ("tenant", Tenant), ("outcome", "succeeded"), ("cipher_suite", "UNKNOWN")).Should().Be(2);
    }

    [Test]
    public async Task UnauthenticatedConnectionsAreCountedWithoutTenant()
    {
        await using var adapter = await RunningAdapter.StartAsync(TestRegistry.Simple(), new Dictionary<string, string?>
        {
            ["hono:mqtt:authenticationRequired"] = "false",
        });
        var (client, result) = await MqttTestClient.ConnectAsync(MqttTestClient.Options(adapter.MqttPort, null, null));
        using var _ = client;
        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);

        var scrape = await ScrapeUntilAsync(adapter, s => s.Value("hono_connections_unauthenticated") == 1, "the connection is counted");

        scrape.Value("hono_connections_attempts_total", ("tenant", "UNKNOWN"), ("outcome", "succeeded"), ("cipher_suite", "UNKNOWN")).Should().Be(1);
        scrape.Samples.Keys.Should().NotContain(k => k.StartsWith("hono_connections_authenticated{", StringComparison.Ordinal));
        await client.DisconnectAsync();
        await ScrapeUntilAsync(adapter, s => s.Value("hono_connections_unauthenticated") == 0, "the closed connection is no longer counted");
    }

    private static IEnumerable<string> LabelNames(string series)
    {
        var open = series.IndexOf('{');
        if (open < 0)
        {
            yield break;
        }

        var inner = series[(open + 1)..^1];
        var builder = new StringBuilder();
        var inValue = false;
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (inValue)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inValue = false;
                }
            }
            else if (c == '=')
            {
                yield return builder.ToString();
                builder.Clear();
                inValue = true;
                i++;   // the opening quote
            }
            else if (c != ',')
            {
                builder.Append(c);
            }
        }
    }
}
