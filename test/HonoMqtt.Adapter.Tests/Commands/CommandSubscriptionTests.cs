using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Commands;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Commands;

// Spec mqtt-adapter.md §6.1 and §6.3; Hono CommandSubscription, AbstractSubscription.
public sealed class CommandSubscriptionTests
{
    private static readonly DeviceIdentity Device = new("tenant", "device", "auth");

    [TestCase("command///req/#", "command", "req", false, false)]
    [TestCase("c///q/#", "c", "q", false, false)]
    [TestCase("command///q/#", "command", "q", false, false)]
    [TestCase("c///req/#", "c", "req", false, false)]
    [TestCase("command/tenant//req/#", "command", "req", true, false)]
    [TestCase("command//device/req/#", "command", "req", false, true)]
    [TestCase("c/tenant/device/q/#", "c", "q", true, true)]
    public void TryParse_OwnCommands_KeyIsTheDevice(string filter, string endpoint, string requestPart, bool containsTenant, bool containsDevice)
    {
        CommandSubscription.TryParse(filter, 1, Device, out var subscription, out _).Should().BeTrue();

        subscription!.Key.Should().Be(new CommandSubscriptionKey("tenant", "device"));
        subscription.EndpointSegment.Should().Be(endpoint);
        subscription.RequestPart.Should().Be(requestPart);
        subscription.ContainsTenantId.Should().Be(containsTenant);
        subscription.ContainsDeviceId.Should().Be(containsDevice);
        subscription.IsWildcard.Should().BeFalse();
        subscription.IsGatewayForSpecificDevice.Should().BeFalse();
        subscription.Qos.Should().Be(1);
    }

    [TestCase("command//+/req/#", false)]
    [TestCase("c/tenant/+/q/#", true)]
    public void TryParse_GatewayWildcard_KeyIsTheGateway(string filter, bool containsTenant)
    {
        CommandSubscription.TryParse(filter, 0, Device, out var subscription, out _).Should().BeTrue();

        subscription!.Key.Should().Be(new CommandSubscriptionKey("tenant", "device"));
        subscription.IsWildcard.Should().BeTrue();
        subscription.ContainsDeviceId.Should().BeFalse();
        subscription.ContainsTenantId.Should().Be(containsTenant);
        subscription.IsGatewayForSpecificDevice.Should().BeFalse();
    }

    [Test]
    public void TryParse_GatewayForOtherDevice_KeyIsThatDevice()
    {
        CommandSubscription.TryParse("command//edge/req/#", 1, Device, out var subscription, out _).Should().BeTrue();

        subscription!.Key.Should().Be(new CommandSubscriptionKey("tenant", "edge"));
        subscription.IsGatewayForSpecificDevice.Should().BeTrue();
        subscription.AuthenticatedDeviceId.Should().Be("device");
    }

    [Test]
    public void TryParse_Unauthenticated_NeedsTenantAndDevice()
    {
        CommandSubscription.TryParse("command/t/d/req/#", 0, null, out var subscription, out _).Should().BeTrue();
        subscription!.Key.Should().Be(new CommandSubscriptionKey("t", "d"));
        subscription.AuthenticatedDeviceId.Should().BeNull();
        subscription.IsGatewayForSpecificDevice.Should().BeFalse();

        CommandSubscription.TryParse("command///req/#", 0, null, out _, out _).Should().BeFalse();
        CommandSubscription.TryParse("command/t//req/#", 0, null, out _, out _).Should().BeFalse();
        CommandSubscription.TryParse("command//d/req/#", 0, null, out _, out _).Should().BeFalse();
        CommandSubscription.TryParse("command/t/+/req/#", 0, null, out _, out _).Should().BeFalse();
    }

    [TestCase("command///req/#", 2)]          // QoS 2
    [TestCase("command/other//req/#", 0)]     // another tenant
    [TestCase("command/+//req/#", 0)]         // wildcard tenant
    [TestCase("command/+/+/req/#", 0)]
    [TestCase("command///req", 0)]            // too few segments
    [TestCase("command///req/+", 0)]          // last segment not #
    [TestCase("command///req/x/#", 0)]        // too many
    [TestCase("command///res/#", 0)]          // not the request part
    [TestCase("command///s/#", 0)]
    [TestCase("cmd///req/#", 0)]              // not the endpoint
    [TestCase("/command///req/#", 0)]
    [TestCase("", 0)]
    [TestCase("command/#", 0)]
    [TestCase("#", 0)]
    public void TryParse_NotAllowed_Fails(string filter, int qos)
    {
        CommandSubscription.TryParse(filter, qos, Device, out _, out var reason).Should().BeFalse();

        reason.Should().NotBeEmpty();
    }

    [TestCase("command///req/#", "device", "command///req/req-id/setBrightness")]
    [TestCase("c///q/#", "device", "c///q/req-id/setBrightness")]
    [TestCase("command/tenant//req/#", "device", "command/tenant//req/req-id/setBrightness")]
    [TestCase("command//device/req/#", "device", "command//device/req/req-id/setBrightness")]
    [TestCase("c/tenant/device/q/#", "device", "c/tenant/device/q/req-id/setBrightness")]
    [TestCase("command//+/req/#", "device", "command///req/req-id/setBrightness")]
    [TestCase("command//+/req/#", "edge", "command//edge/req/req-id/setBrightness")]
    [TestCase("command/tenant/+/req/#", "edge", "command/tenant/edge/req/req-id/setBrightness")]
    [TestCase("c//edge/q/#", "edge", "c//edge/q/req-id/setBrightness")]
    public void CommandTopic_EchoesTheFilter(string filter, string commandDevice, string topic)
    {
        CommandSubscription.TryParse(filter, 1, Device, out var subscription, out _).Should().BeTrue();

        subscription!.CommandTopic(commandDevice, "req-id", "setBrightness").Should().Be(topic);
    }

    [Test]
    public void CommandTopic_OneWay_HasAnEmptyRequestId()
    {
        CommandSubscription.TryParse("c///q/#", 0, Device, out var subscription, out _).Should().BeTrue();

        subscription!.CommandTopic("device", null, "setBrightness").Should().Be("c///q//setBrightness");
    }
}
