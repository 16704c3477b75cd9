using FluentAssertions;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

// Rows of the topic catalogue (spec mqtt-adapter.md §3.0, §5.1, §6.4) that are PUBLISH topic names.
public sealed class HonoTopicParseTests
{
    [TestCase("telemetry", HonoEndpoint.Telemetry, "telemetry", null, null)]
    [TestCase("t", HonoEndpoint.Telemetry, "t", null, null)]
    [TestCase("telemetry/my-tenant/my-device", HonoEndpoint.Telemetry, "telemetry", "my-tenant", "my-device")]
    [TestCase("t/my-tenant/my-device", HonoEndpoint.Telemetry, "t", "my-tenant", "my-device")]
    [TestCase("telemetry//my-device", HonoEndpoint.Telemetry, "telemetry", null, "my-device")]
    [TestCase("t//my-device", HonoEndpoint.Telemetry, "t", null, "my-device")]
    [TestCase("telemetry/my-tenant", HonoEndpoint.Telemetry, "telemetry", "my-tenant", null)]
    [TestCase("event", HonoEndpoint.Event, "event", null, null)]
    [TestCase("e", HonoEndpoint.Event, "e", null, null)]
    [TestCase("event/my-tenant/my-device", HonoEndpoint.Event, "event", "my-tenant", "my-device")]
    [TestCase("e/my-tenant/my-device", HonoEndpoint.Event, "e", "my-tenant", "my-device")]
    [TestCase("event//my-device", HonoEndpoint.Event, "event", null, "my-device")]
    [TestCase("e//my-device", HonoEndpoint.Event, "e", null, "my-device")]
    [TestCase("command///res/req-1/200", HonoEndpoint.Command, "command", null, null)]
    [TestCase("c///s/req-1/200", HonoEndpoint.Command, "c", null, null)]
    [TestCase("command//my-device/res/req-1/200", HonoEndpoint.Command, "command", null, "my-device")]
    [TestCase("c//my-device/s/req-1/200", HonoEndpoint.Command, "c", null, "my-device")]
    [TestCase("command/my-tenant/my-device/res/req-1/200", HonoEndpoint.Command, "command", "my-tenant", "my-device")]
    [TestCase("c/my-tenant/my-device/s/req-1/200", HonoEndpoint.Command, "c", "my-tenant", "my-device")]
    public void TryParsePublish_CatalogueTopic_YieldsEndpointTenantAndDevice(
        string topic, HonoEndpoint endpoint, string endpointSegment, string? tenant, string? device)
    {
        HonoTopic.TryParsePublish(topic, out var result, out _).Should().BeTrue();

        result!.OriginalTopic.Should().Be(topic);
        result.Endpoint.Should().Be(endpoint);
        result.EndpointSegment.Should().Be(endpointSegment);
        result.TenantId.Should().Be(tenant);
        result.DeviceId.Should().Be(device);
        result.Properties.IsEmpty.Should().BeTrue();
    }

    [TestCase("t")]
    [TestCase("t/")]
    [TestCase("t//")]
    [TestCase("t///")]
    public void TryParsePublish_TrailingSlashes_AreEquivalentToNone(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out _).Should().BeTrue();

        result!.Segments.Should().Equal("t");
        result.TenantId.Should().BeNull();
        result.DeviceId.Should().BeNull();
    }

    [Test]
    public void TryParsePublish_EmptyMiddleSegments_AreKept()
    {
        HonoTopic.TryParsePublish("c///s/req-1/200", out var result, out _).Should().BeTrue();

        result!.Segments.Should().Equal("c", string.Empty, string.Empty, "s", "req-1", "200");
    }

    [Test]
    public void TryParsePublish_ExtraSegmentsAfterDevice_AreAcceptedAndKept()
    {
        HonoTopic.TryParsePublish("telemetry/my-tenant/my-device/extra/more", out var result, out _).Should().BeTrue();

        result!.DeviceId.Should().Be("my-device");
        result.Segments.Should().Equal("telemetry", "my-tenant", "my-device", "extra", "more");
    }

    [Test]
    public void TryParsePublish_WithPropertyBag_ParsesTopicWithoutBag()
    {
        const string topic = "event/my-tenant/my-device/?content-type=application%2Fjson&hono-ttl=10";

        HonoTopic.TryParsePublish(topic, out var result, out _).Should().BeTrue();

        result!.OriginalTopic.Should().Be(topic);
        result.Endpoint.Should().Be(HonoEndpoint.Event);
        result.TenantId.Should().Be("my-tenant");
        result.DeviceId.Should().Be("my-device");
        result.Segments.Should().Equal("event", "my-tenant", "my-device");
        result.Properties.Get(PropertyBag.ContentType).Should().Be("application/json");
        result.Properties.Get(PropertyBag.HonoTtl).Should().Be("10");
    }

    [TestCase("t/?on-error=ignore")]
    [TestCase("t//?on-error=ignore")]
    public void TryParsePublish_BagDirectlyAfterEndpoint_HasNoTenantOrDevice(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out _).Should().BeTrue();

        result!.Segments.Should().Equal("t");
        result.Properties.Get(PropertyBag.OnError).Should().Be("ignore");
    }

    [TestCase("")]
    [TestCase("/")]
    [TestCase("/telemetry")]
    [TestCase("/telemetry/my-tenant/my-device")]
    [TestCase("/?a=b")]
    [TestCase("telemetry/?k=%zz")]
    [TestCase("telemetry/my-tenant/my-device/?k=%4")]
    public void TryParsePublish_MalformedTopic_Fails400(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out var error).Should().BeFalse();

        result.Should().BeNull();
        error.Should().Be(new HonoError(400, "malformed topic name"));
    }

    [TestCase("command_response/my-tenant/my-device")]
    [TestCase("control/my-tenant/my-device")]
    [TestCase("Telemetry")]
    [TestCase("T/my-tenant/my-device")]
    [TestCase("tel")]
    [TestCase("error//my-device")]
    [TestCase("t?a=b")]
    [TestCase("q")]
    public void TryParsePublish_UnknownEndpoint_Fails404(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out var error).Should().BeFalse();

        result.Should().BeNull();
        error.Should().Be(new HonoError(404, "no such endpoint"));
    }

    [Test]
    public void TryParsePublish_UnknownEndpointWithBadBag_Fails400()
    {
        // The bag is decoded before the endpoint is looked at.
        HonoTopic.TryParsePublish("nope/?k=%zz", out _, out var error).Should().BeFalse();

        error.Status.Should().Be(400);
    }

    [Test]
    public void JavaSplit_NoDelimiter_ReturnsInput()
    {
        HonoTopic.JavaSplit("telemetry").Should().Equal("telemetry");
        HonoTopic.JavaSplit(string.Empty).Should().Equal(string.Empty);
    }
}
