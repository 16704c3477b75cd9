using System.Text.Json.Nodes;
using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

public sealed class DownstreamPropertiesTests
{
    private static Message NewMessage() => new() { Properties = new Properties(), ApplicationProperties = new ApplicationProperties() };

    private static uint? Ttl(DownstreamProperties.Kind kind, int qos, string? defaults, long? deviceTtl, ResourceLimits limits)
    {
        var message = NewMessage();
        DownstreamProperties.Apply(message, kind, qos, defaults is null ? null : JsonNode.Parse(defaults)!.AsObject(), null, deviceTtl, limits);
        return message.Header?.Ttl;
    }

    [Test]
    public void Apply_EventWithoutAnyTtl_SetsNoTtl() =>
        Ttl(DownstreamProperties.Kind.Event, 1, null, null, ResourceLimits.Unlimited).Should().BeNull();

    [Test]
    public void Apply_EventWithMaxTtlOnly_UsesMaxTtl() =>
        Ttl(DownstreamProperties.Kind.Event, 1, null, null, new ResourceLimits(MaxTtl: 60)).Should().Be(60_000u);

    [Test]
    public void Apply_EventWithDeviceTtlBelowMax_UsesDeviceTtl() =>
        Ttl(DownstreamProperties.Kind.Event, 1, null, 30, new ResourceLimits(MaxTtl: 60)).Should().Be(30_000u);

    [Test]
    public void Apply_EventWithDeviceTtlAboveMax_IsCapped() =>
        Ttl(DownstreamProperties.Kind.Event, 1, null, 90, new ResourceLimits(MaxTtl: 60)).Should().Be(60_000u);

    [Test]
    public void Apply_EventWithZeroDeviceTtlAndNoMax_SetsZero() =>
        Ttl(DownstreamProperties.Kind.Event, 1, null, 0, ResourceLimits.Unlimited).Should().Be(0u);

    [Test]
    public void Apply_TelemetryQos0_UsesQos0DefaultAndMax() =>
        Ttl(DownstreamProperties.Kind.Telemetry, 0, """{"ttl-telemetry-qos0": 20, "ttl-telemetry-qos1": 5}""", null,
            new ResourceLimits(MaxTtlTelemetryQos0: 50)).Should().Be(20_000u);

    [Test]
    public void Apply_TelemetryQos1_UsesQos1Max() =>
        Ttl(DownstreamProperties.Kind.Telemetry, 1, null, null, new ResourceLimits(MaxTtlTelemetryQos0: 5, MaxTtlTelemetryQos1: 7)).Should().Be(7_000u);

    [Test]
    public void Apply_Telemetry_RemovesAllTelemetryTtlKeysButEventsKeepThem()
    {
        var defaults = JsonNode.Parse("""{"ttl": 1, "ttl-telemetry-qos0": 2, "ttl-telemetry-qos1": 3, "x": "y"}""")!.AsObject();
        var telemetry = NewMessage();
        DownstreamProperties.Apply(telemetry, DownstreamProperties.Kind.Telemetry, 0, defaults, null, null, ResourceLimits.Unlimited);
        var @event = NewMessage();
        DownstreamProperties.Apply(@event, DownstreamProperties.Kind.Event, 1, defaults, null, null, ResourceLimits.Unlimited);

        telemetry.ApplicationProperties.Map.Keys.Should().BeEquivalentTo(["x"]);
        @event.ApplicationProperties.Map.Keys.Should().BeEquivalentTo(["x", "ttl-telemetry-qos0", "ttl-telemetry-qos1"]);
        @event.Header.Ttl.Should().Be(1000u);
    }

    [Test]
    public void Apply_Defaults_DeviceOverridesTenantAndMessagePropertiesWin()
    {
        var message = NewMessage();
        message.ApplicationProperties["device_id"] = "real";
        DownstreamProperties.Apply(message, DownstreamProperties.Kind.Telemetry, 0,
            JsonNode.Parse("""{"a": 1, "b": "tenant", "device_id": "fake", "content-type": "text/plain", "to": "x"}""")!.AsObject(),
            JsonNode.Parse("""{"b": "device", "big": 5000000000, "flag": true, "ratio": 0.5}""")!.AsObject(),
            null, ResourceLimits.Unlimited);

        message.ApplicationProperties["a"].Should().BeOfType<int>().And.Be(1);
        message.ApplicationProperties["b"].Should().Be("device");
        message.ApplicationProperties["big"].Should().BeOfType<long>();
        message.ApplicationProperties["flag"].Should().Be(true);
        message.ApplicationProperties["ratio"].Should().Be(0.5);
        message.ApplicationProperties["device_id"].Should().Be("real");
        message.ApplicationProperties.Map.ContainsKey("to").Should().BeFalse();
        message.Properties.ContentType.ToString().Should().Be("text/plain");
    }

    [Test]
    public void Apply_NonNumericTtlDefault_IsDroppedSilently()
    {
        var message = NewMessage();
        DownstreamProperties.Apply(message, DownstreamProperties.Kind.Event, 1, JsonNode.Parse("""{"ttl": "soon"}""")!.AsObject(), null, null,
            ResourceLimits.Unlimited);

        message.Header.Should().BeNull();
        message.ApplicationProperties.Map.Should().BeEmpty();
    }
}
