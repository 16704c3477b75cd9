using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Command subscriptions (spec mqtt-adapter.md §6.1, §6.2, §6.5) and their notifications (downstream-amqp.md §6.1).</summary>
public sealed class CommandSubscriptionTests
{
    [TestCase("command///req/#", 0, "d1")]
    [TestCase("command///req/#", 1, "d1")]
    [TestCase("c///q/#", 0, "d1")]
    [TestCase("c///q/#", 1, "d1")]
    [TestCase("command/t1//req/#", 1, "d1")]
    [TestCase("command//d1/req/#", 1, "d1")]
    [TestCase("c/t1/d1/q/#", 0, "d1")]
    public async Task EveryFormForItselfIsGrantedWithTheRequestedQoSAfterTheReadyNotification(string filter, int qos, string notified)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();

        var code = await CommandTestBed.SubscribeAsync(device, filter, qos);

        code.Should().Be(qos == 1 ? MqttClientSubscribeResultCode.GrantedQoS1 : MqttClientSubscribeResultCode.GrantedQoS0);
        var notification = await bed.NextNotificationAsync(notified);
        AssertTtdNotification(notification, notified, -1);
    }

    [TestCase("command//+/req/#", 1)]
    [TestCase("c/t1/+/q/#", 0)]
    [TestCase("command//e1/req/#", 1)]
    [TestCase("c/t1/e2/q/#", 0)]
    public async Task GatewayFormsAreGrantedWithANotificationForTheirDevice(string filter, int qos)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync(MqttProtocolVersion.V500);

        var code = await CommandTestBed.SubscribeAsync(gateway, filter, qos);

        code.Should().Be(qos == 1 ? MqttClientSubscribeResultCode.GrantedQoS1 : MqttClientSubscribeResultCode.GrantedQoS0);
        var expectedDevice = filter.Contains('+') ? "gw" : filter.Split('/')[2];
        AssertTtdNotification(await bed.NextNotificationAsync(expectedDevice), expectedDevice, -1);
    }

    [TestCase("command//e3/req/#")]    // e3 has no gateway
    [TestCase("command//off/req/#")]   // disabled
    [TestCase("command//nobody/req/#")]
    public async Task GatewaySubscriptionForADeviceItMayNotActForFails(string filter)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();

        var code = await CommandTestBed.SubscribeAsync(gateway, filter);

        code.Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
        bed.DrainNotifications().Should().BeEmpty();
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task FiltersTheSpecDoesNotAllowGetTheFailureCode(MqttProtocolVersion version)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(version);
        string[] filters =
        [
            "command/other//req/#", "command/+//req/#", "command///req", "command///req/+", "command///res/#", "cmd///req/#",
            "telemetry/#", "command///req/x/#",
        ];
        var options = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            options.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await device.SubscribeAsync(options.Build());

        result.Items.Select(i => i.ResultCode).Should().AllBeEquivalentTo(MqttClientSubscribeResultCode.UnspecifiedError);
        result.Items.Should().HaveCount(filters.Length);
        bed.DrainNotifications().Should().BeEmpty();
    }

    [Test]
    public async Task QoS2SubscriptionFails()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();

        (await CommandTestBed.SubscribeAsync(device, "command///req/#", 2)).Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
    }

    [Test]
    public async Task TheReadyNotificationIsAcceptedDownstreamBeforeTheSuback()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        bed.Events.AutoAccept = false;

        var subscribing = CommandTestBed.SubscribeAsync(device, "command///req/#");
        var notification = await bed.NextNotificationAsync("d1");

        // The notification is held unsettled by the application: no SUBACK yet.
        subscribing.IsCompleted.Should().BeFalse();
        bed.Events.Link.Accept(notification);
        (await subscribing).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
    }

    [Test]
    public async Task ARefusedReadyNotificationFailsTheSubscription()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        bed.Events.AutoAccept = false;

        var subscribing = CommandTestBed.SubscribeAsync(device, "command///req/#");
        var notification = await bed.NextNotificationAsync("d1");
        bed.Events.Link.Release(notification);

        (await subscribing).Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
        bed.Events.AutoAccept = true;
        var outcome = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "noop"));
        outcome.Should().BeOfType<Released>("the failed subscription is not in force");
    }

    [Test]
    public async Task UnsubscribeSendsTtdZeroAndAnUnsubackWithSuccess()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(MqttProtocolVersion.V500);
        await CommandTestBed.SubscribeAsync(device, "c///q/#");
        (await bed.NextTtdAsync("d1")).Should().Be(-1);

        var result = await device.UnsubscribeAsync("c///q/#");

        result.Items.Single().ResultCode.Should().Be(MqttClientUnsubscribeResultCode.Success);
        AssertTtdNotification(await bed.NextNotificationAsync("d1"), "d1", 0);
        var again = await device.UnsubscribeAsync("c///q/#");
        again.Items.Single().ResultCode.Should().Be(MqttClientUnsubscribeResultCode.UnspecifiedError);
    }

    [Test]
    public async Task RepeatedSubscribeAndUnsubscribeKeepTheConnection()
    {
        // MQTTnet runs the unsubscription interceptor under a thread-bound lock: an interceptor that really awaited
        // would kill the connection now and then.
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(MqttProtocolVersion.V500);

        for (var i = 0; i < 20; i++)
        {
            (await CommandTestBed.SubscribeAsync(device, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
            (await device.UnsubscribeAsync("command///req/#")).Items.Single().ResultCode.Should().Be(MqttClientUnsubscribeResultCode.Success);
            (await bed.NextTtdAsync("d1")).Should().Be(-1);
            (await bed.NextTtdAsync("d1")).Should().Be(0);
        }

        device.IsConnected.Should().BeTrue();
    }

    [Test]
    public async Task TheEndOfTheSessionSendsTtdZero()
    {
        await using var bed = await CommandTestBed.StartAsync();
        var device = await bed.ConnectDeviceAsync();
        await CommandTestBed.SubscribeAsync(device, "command///req/#");
        (await bed.NextTtdAsync("d1")).Should().Be(-1);

        device.Dispose(); // the socket goes away without DISCONNECT

        (await bed.NextTtdAsync("d1")).Should().Be(0);
    }

    [Test]
    public async Task ASecondSubscriptionWithTheSameKeyReplacesTheFirstWithoutTtdZero()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        await CommandTestBed.SubscribeAsync(gateway, "command///req/#");
        (await bed.NextTtdAsync("gw")).Should().Be(-1);

        // command//+/req/# has the same key (the gateway itself): it replaces the first one.
        await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#");
        (await bed.NextTtdAsync("gw")).Should().Be(-1);
        await gateway.UnsubscribeAsync("command///req/#");

        (await bed.NextTtdAsync("gw")).Should().Be(0);
        bed.DrainNotifications().Should().BeEmpty();
    }

    [Test]
    public async Task ShutdownSendsNoTtdZero()
    {
        var bed = await CommandTestBed.StartAsync();
        await using (bed)
        {
            using var device = await bed.ConnectDeviceAsync();
            await CommandTestBed.SubscribeAsync(device, "command///req/#");
            (await bed.NextTtdAsync("d1")).Should().Be(-1);
            var disconnected = MqttTestClient.DisconnectedAsync(device);

            await bed.Adapter.StopAsync();
            await disconnected.WaitAsync(TimeSpan.FromSeconds(10));

            // The "disconnected" connection event goes out after the session ended; a ttd=0 would have come before it.
            var disconnectedEvent = await NextConnectionEventAsync(bed, "disconnected");
            disconnectedEvent.Should().NotBeNull();
            bed.DrainNotifications().Should().BeEmpty();
        }
    }

    [Test]
    public async Task UnauthenticatedDevicesSubscribeWithTenantAndDevice()
    {
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?> { ["hono:mqtt:authenticationRequired"] = "false" });
        using var device = await MqttTestClient.ConnectDeviceAsync(bed.Adapter.MqttPort, null!, null!);

        (await CommandTestBed.SubscribeAsync(device, "command/t1/u1/req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        (await CommandTestBed.SubscribeAsync(device, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
        (await CommandTestBed.SubscribeAsync(device, "command/t1/+/req/#")).Should().Be(MqttClientSubscribeResultCode.UnspecifiedError);
        (await bed.NextTtdAsync("u1")).Should().Be(-1);
    }

    internal static void AssertTtdNotification(Message notification, string deviceId, int ttd)
    {
        notification.Properties.To.Should().Be("event/t1");
        notification.Properties.ContentType.ToString().Should().Be("application/vnd.eclipse-hono-empty-notification");
        notification.Properties.MessageId.Should().NotBeNull();
        notification.Properties.CreationTime.Should().BeCloseTo(DateTime.UtcNow, TimeSpan.FromSeconds(30));
        notification.Header.Durable.Should().BeTrue();
        notification.BodySection.Should().BeOfType<Data>().Which.Binary.Should().BeEmpty();
        notification.ApplicationProperties["device_id"].Should().Be(deviceId);
        notification.ApplicationProperties["ttd"].Should().BeOfType<int>().And.Be(ttd);
        notification.ApplicationProperties["qos"].Should().BeOfType<int>().And.Be(1);
        notification.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
    }

    private static async Task<Message?> NextConnectionEventAsync(CommandTestBed bed, string cause)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var message = await bed.Events.NextAsync(deadline - DateTime.UtcNow);
            if (message.Properties.ContentType == "application/vnd.eclipse-hono-dc-notification+json"
                && DownstreamText(message).Contains(cause, StringComparison.Ordinal))
            {
                return message;
            }

            message.Properties.ContentType.ToString().Should().NotBe("application/vnd.eclipse-hono-empty-notification");
        }

        return null;
    }

    private static string DownstreamText(Message message) => message.BodySection is Data data ? System.Text.Encoding.UTF8.GetString(data.Binary) : string.Empty;
}
