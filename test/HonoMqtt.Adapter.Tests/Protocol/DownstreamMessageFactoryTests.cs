using System.Text;
using System.Text.Json.Nodes;
using Amqp.Framing;
using Amqp.Types;
using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

public sealed class DownstreamMessageFactoryTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
    private static readonly TenantInfo Tenant = new("t", true, null, null, 0, ResourceLimits.Unlimited, null);
    private static readonly DeviceInfo Device = new("d", true, null, [], [], []);
    private readonly DownstreamMessageFactory _factory = new(new FixedTime(Now), defaultsEnabled: true);

    [Test]
    public void CreateTelemetryOrEvent_QoS0Telemetry_HasHonosSectionsAndTypes()
    {
        var message = _factory.CreateTelemetryOrEvent(HonoEndpoint.Telemetry, Tenant, Device, 0, "t/?x=1", "abc"u8.ToArray(), null, false, 60);

        message.Header.Should().BeNull("telemetry is not durable and hono-ttl does not apply to it");
        message.Properties.To.Should().Be("telemetry/t");
        message.Properties.ContentType.ToString().Should().Be("application/octet-stream");
        message.Properties.CreationTime.Should().Be(Now.UtcDateTime);
        message.Properties.MessageId.Should().BeOfType<string>();
        message.ApplicationProperties.Map.Should().HaveCount(4);
        message.ApplicationProperties["qos"].Should().BeOfType<int>().Which.Should().Be(0);
        message.ApplicationProperties["device_id"].Should().BeOfType<string>().Which.Should().Be("d");
        message.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
        message.ApplicationProperties["orig_address"].Should().Be("t/?x=1");
        message.MessageAnnotations[new Symbol("resource")].Should().Be("telemetry/t/d");
        message.MessageAnnotations.Map.ContainsKey(new Symbol("x-opt-retain")).Should().BeFalse();
        ((Data)message.BodySection).Binary.Should().Equal("abc"u8.ToArray());
    }

    [Test]
    public void CreateTelemetryOrEvent_Event_IsDurableQoS1WithItsTtlAndRetain()
    {
        var message = _factory.CreateTelemetryOrEvent(HonoEndpoint.Event, Tenant, Device, 1, "event", [], "application/vnd.eclipse-hono-empty-notification", true, 60);

        message.Header.Durable.Should().BeTrue();
        message.Header.Ttl.Should().Be(60_000u);
        message.Properties.To.Should().Be("event/t");
        message.Properties.ContentType.ToString().Should().Be("application/vnd.eclipse-hono-empty-notification");
        message.ApplicationProperties["qos"].Should().Be(1);
        message.MessageAnnotations[new Symbol("x-opt-retain")].Should().Be(true);
    }

    [Test]
    public void CreateTelemetryOrEvent_DefaultsDisabled_IgnoresDefaults()
    {
        var tenant = Tenant with { Defaults = JsonNode.Parse("""{"a": "b"}""")!.AsObject() };
        var factory = new DownstreamMessageFactory(new FixedTime(Now), defaultsEnabled: false);

        var message = factory.CreateTelemetryOrEvent(HonoEndpoint.Telemetry, tenant, Device, 1, "t", [1], null, false, null);

        message.ApplicationProperties.Map.ContainsKey("a").Should().BeFalse();
    }

    [Test]
    public void CreateConnectionEvent_HasTheNotificationFormat()
    {
        var tenant = Tenant with
        {
            Defaults = JsonNode.Parse("""{"x": 1}""")!.AsObject(),
            Limits = new ResourceLimits(MaxTtl: 30),
        };

        var message = _factory.CreateConnectionEvent(tenant, "gw", "disconnected", "client-1", new Dictionary<string, string> { ["reason"] = "takeover" });

        message.Header.Durable.Should().BeTrue();
        message.Header.Ttl.Should().Be(30_000u, "the tenant's max-ttl applies to connection events");
        message.Properties.To.Should().Be("event/t");
        message.Properties.ContentType.ToString().Should().Be("application/vnd.eclipse-hono-dc-notification+json");
        message.ApplicationProperties.Map.Keys.Should().BeEquivalentTo(["device_id", "qos", "x"]);
        Encoding.UTF8.GetString(((Data)message.BodySection).Binary)
            .Should().Be("""{"cause":"disconnected","remote-id":"client-1","source":"hono-mqtt","data":{"reason":"takeover"}}""");
    }
}
