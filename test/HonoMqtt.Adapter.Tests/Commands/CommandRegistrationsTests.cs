using FluentAssertions;
using HonoMqtt.Adapter.Auth;
using HonoMqtt.Adapter.Commands;
using HonoMqtt.Adapter.Mqtt;
using MQTTnet.Formatter;
using NUnit.Framework;

namespace HonoMqtt.Adapter.Tests.Commands;

// Spec downstream-amqp.md §7.2; Hono CommandTargetMapperImpl.
public sealed class CommandRegistrationsTests
{
    private CommandRegistrations _registrations = new();

    [SetUp]
    public void NewRegistrations() => _registrations = new CommandRegistrations();

    [Test]
    public void Route_DevicesOwnSubscription_WinsOverItsGateways()
    {
        var own = Register("d", "command///req/#");
        Register("gw", "command//+/req/#");

        _registrations.Route("t", "d", ["gw"]).Should().Be(new CommandTarget(own, ViaGateway: false));
    }

    [Test]
    public void Route_GatewayForTheSpecificDevice_CountsAsTheDevicesOwn()
    {
        var specific = Register("gw", "command//d/req/#");

        _registrations.Route("t", "d", ["gw"]).Should().Be(new CommandTarget(specific, ViaGateway: false));
    }

    [Test]
    public void Route_NoOwnSubscription_TakesTheMostRecentPlusOfAnAuthorizedGateway()
    {
        Register("gw1", "command//+/req/#");
        var recent = Register("gw2", "command//+/req/#");
        Register("other", "command//+/req/#");

        _registrations.Route("t", "d", ["gw1", "gw2"]).Should().Be(new CommandTarget(recent, ViaGateway: true));
    }

    [Test]
    public void Route_LastKnownGateway_WinsOverAMoreRecentOne()
    {
        var last = Register("gw1", "command//+/req/#");
        Register("gw2", "command//+/req/#");
        _registrations.SetLastKnownGateway("t", "d", "gw1");

        _registrations.Route("t", "d", ["gw1", "gw2"]).Should().Be(new CommandTarget(last, ViaGateway: true));
    }

    [Test]
    public void Route_GatewaySubscribedOnlyForItself_DoesNotTakeItsDevicesCommands()
    {
        Register("gw", "command///req/#");

        _registrations.Route("t", "d", ["gw"]).Should().BeNull();
    }

    [Test]
    public void Route_UnauthorizedGateway_IsNotChosen()
    {
        Register("gw", "command//+/req/#");

        _registrations.Route("t", "d", []).Should().BeNull();
    }

    [Test]
    public void TryRemove_AReplacedEntry_LeavesTheNewOneInForce()
    {
        var first = Register("d", "command///req/#");
        var second = Register("d", "c///q/#");

        _registrations.TryRemove(first).Should().BeFalse();
        _registrations.Route("t", "d", []).Should().Be(new CommandTarget(second, ViaGateway: false));
        _registrations.TryRemove(second).Should().BeTrue();
        _registrations.Route("t", "d", []).Should().BeNull();
    }

    private SubscriptionEntry Register(string subscriber, string filter)
    {
        var identity = new DeviceIdentity("t", subscriber, subscriber);
        CommandSubscription.TryParse(filter, 1, identity, out var subscription, out _).Should().BeTrue();
        var session = new DeviceSession(identity, "client-" + subscriber, MqttProtocolVersion.V311, null, DateTimeOffset.UtcNow);
        var entry = new SubscriptionEntry(session, subscription!, _registrations.NextSequence(), new LocalCommandConsumers().AcquireAsync(subscription!, default).Result.Lease!);
        _registrations.Register(entry);
        return entry;
    }
}
