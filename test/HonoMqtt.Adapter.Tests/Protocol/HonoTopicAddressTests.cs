using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Protocol;

// Spec mqtt-adapter.md §3.1 "Address resolution"; Hono AbstractProtocolAdapterBase.validateAddress.
public sealed class HonoTopicAddressTests
{
    private static readonly DeviceIdentity Device = new("my-tenant", "my-device", "my-auth-id");

    [Test]
    public void TryResolveAddress_UnauthenticatedWithTenantAndDevice_UsesTopic()
    {
        var topic = Parse("telemetry/other-tenant/other-device");

        HonoTopic.TryResolveAddress(topic, null, out var address, out _).Should().BeTrue();

        address.Should().Be(new ResolvedAddress("other-tenant", "other-device", null));
    }

    [TestCase("telemetry")]
    [TestCase("telemetry/my-tenant")]
    [TestCase("telemetry/my-tenant/")]
    [TestCase("telemetry//my-device")]
    [TestCase("event")]
    [TestCase("command///res/req-1/200")]
    [TestCase("command//my-device/res/req-1/200")]
    [TestCase("command/my-tenant//res/req-1/200")]
    public void TryResolveAddress_UnauthenticatedWithoutTenantOrDevice_Fails400(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), null, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(400, "unauthenticated client must provide tenant and device ID in message address"));
    }

    [TestCase("telemetry")]
    [TestCase("t/")]
    [TestCase("event//")]
    [TestCase("command///res/req-1/200")]
    public void TryResolveAddress_AuthenticatedWithoutTenantAndDevice_UsesOwnIdentity(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), Device, out var address, out _).Should().BeTrue();

        address.Should().Be(new ResolvedAddress("my-tenant", "my-device", null));
    }

    [TestCase("telemetry/my-tenant")]
    [TestCase("telemetry/other-tenant")]
    [TestCase("command/my-tenant//res/req-1/200")]
    public void TryResolveAddress_AuthenticatedWithTenantOnly_Fails400(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), Device, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(400, "message address must not contain tenant ID only"));
    }

    [TestCase("telemetry/other-tenant/my-device")]
    [TestCase("event/other-tenant/other-device")]
    [TestCase("command/MY-TENANT/my-device/res/req-1/200")]
    public void TryResolveAddress_AuthenticatedWithOtherTenant_Fails403(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), Device, out _, out var error).Should().BeFalse();

        error.Should().Be(new HonoError(403, "can only publish for device of same tenant"));
    }

    [TestCase("telemetry/my-tenant/my-device")]
    [TestCase("telemetry//my-device")]
    [TestCase("command//my-device/res/req-1/200")]
    public void TryResolveAddress_AuthenticatedForItself_HasNoGateway(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), Device, out var address, out _).Should().BeTrue();

        address.Should().Be(new ResolvedAddress("my-tenant", "my-device", null));
    }

    [TestCase("telemetry/my-tenant/edge-device")]
    [TestCase("telemetry//edge-device")]
    [TestCase("e//edge-device")]
    [TestCase("c//edge-device/s/req-1/200")]
    public void TryResolveAddress_AuthenticatedForOtherDevice_ActsAsGateway(string topicName)
    {
        HonoTopic.TryResolveAddress(Parse(topicName), Device, out var address, out _).Should().BeTrue();

        address.Should().Be(new ResolvedAddress("my-tenant", "edge-device", "my-device"));
    }

    [Test]
    public void TryResolveAddress_AuthIdDiffersFromDeviceId_ComparesDeviceId()
    {
        // The auth-id is only the login name; the gateway check uses the credentials' device id.
        HonoTopic.TryResolveAddress(Parse("telemetry//my-auth-id"), Device, out var address, out _).Should().BeTrue();

        address.GatewayId.Should().Be("my-device");
    }

    private static PublishTopic Parse(string topic)
    {
        HonoTopic.TryParsePublish(topic, out var result, out var error).Should().BeTrue(error.ToString());
        return result!;
    }
}
