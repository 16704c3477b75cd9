using System.Text;
using Amqp.Framing;
using FluentAssertions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Commands from applications on the embedded endpoint to devices (spec mqtt-adapter.md §6.3, downstream-amqp.md §7.1, §7.2).</summary>
public sealed class CommandDeliveryTests
{
    [TestCase("command///req/#", "command///req//setBrightness")]
    [TestCase("c///q/#", "c///q//setBrightness")]
    [TestCase("command/t1//req/#", "command/t1//req//setBrightness")]
    [TestCase("command//d1/req/#", "command//d1/req//setBrightness")]
    [TestCase("c/t1/d1/q/#", "c/t1/d1/q//setBrightness")]
    public async Task AOneWayCommandReachesTheDeviceOnTheTopicFormItSubscribedWith(string filter, string topic)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, filter, 0);

        var outcome = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "setBrightness", "{\"level\":7}"));
        var received = await inbox.NextAsync();

        outcome.Should().BeOfType<Accepted>();
        received.ApplicationMessage.Topic.Should().Be(topic);
        received.ApplicationMessage.QualityOfServiceLevel.Should().Be(MqttQualityOfServiceLevel.AtMostOnce);
        received.ApplicationMessage.Retain.Should().BeFalse();
        Encoding.UTF8.GetString(received.ApplicationMessage.Payload).Should().Be("{\"level\":7}");
    }

    [TestCase(MqttProtocolVersion.V311)]
    [TestCase(MqttProtocolVersion.V500)]
    public async Task AQoS1CommandIsAcceptedOnlyOnTheDevicesPubAck(MqttProtocolVersion version)
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(version);
        var inbox = new DeviceInbox(device, acknowledge: false);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);

        var sending = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "reboot", "now"));
        var received = await inbox.NextAsync();

        received.ApplicationMessage.QualityOfServiceLevel.Should().Be(MqttQualityOfServiceLevel.AtLeastOnce);
        sending.IsCompleted.Should().BeFalse("the device has not acknowledged yet");
        await received.AcknowledgeAsync(CancellationToken.None);
        (await sending).Should().BeOfType<Accepted>();
    }

    [Test]
    public async Task AQoS1CommandWithoutPubAckInTimeIsReleased()
    {
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?> { ["hono:mqtt:sendMessageToDeviceTimeout"] = "300" });
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device, acknowledge: false);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);
        var started = DateTime.UtcNow;

        var outcome = await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "reboot"));

        outcome.Should().BeOfType<Released>();
        (DateTime.UtcNow - started).Should().BeGreaterThan(TimeSpan.FromMilliseconds(250));
        var late = await inbox.NextAsync();
        await late.AcknowledgeAsync(CancellationToken.None); // a PUBACK after the timeout is ignored
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "again"))).Should().BeOfType<Released>();
    }

    [Test]
    public async Task ARequestResponseCommandCarriesARequestIdThatLeadsTheResponseBack()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync(MqttProtocolVersion.V500);
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "c///q/#", 1);
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "app-1");

        var command = CommandApplication.Command("t1", "d1", "getState", "?", replyId: "app-1", correlationId: "corr-42");
        (await bed.Application.SendCommandAsync(command)).Should().BeOfType<Accepted>();
        var received = await inbox.NextAsync();
        var segments = received.ApplicationMessage.Topic.Split('/');
        segments[..4].Should().Equal("c", "", "", "q");
        segments[5].Should().Be("getState");
        var requestId = segments[4];
        requestId.Should().Be(Adapter.Commands.RequestId.Encode("corr-42", "app-1", "d1"));

        var ack = await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"c///s/{requestId}/200").WithPayload("{\"on\":true}").WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var response = await responses.NextAsync();

        ack.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        response.Properties.To.Should().Be("command_response/t1/app-1");
        response.Properties.CorrelationId.Should().Be("corr-42");
        response.Properties.ContentType.ToString().Should().Be("application/json");
        response.Properties.MessageId.Should().NotBeNull();
        response.ApplicationProperties["status"].Should().BeOfType<int>().And.Be(200);
        response.ApplicationProperties["tenant_id"].Should().Be("t1");
        response.ApplicationProperties["device_id"].Should().Be("d1");
        response.ApplicationProperties.Map.ContainsKey("orig_adapter").Should().BeFalse();
        response.ApplicationProperties.Map.ContainsKey("qos").Should().BeFalse();
        Encoding.UTF8.GetString(((Data)response.BodySection).Binary).Should().Be("{\"on\":true}");
    }

    [Test]
    public async Task AReplyIdStartingWithTheDeviceIdIsRestoredFromTheRespondingDevice()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 0);
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "d1/r7");

        await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "x", replyId: "d1/r7", correlationId: "c"));
        var requestId = (await inbox.NextAsync()).ApplicationMessage.Topic.Split('/')[4];
        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command///res/{requestId}/503").Build());
        var response = await responses.NextAsync();

        requestId.Should().Be("101cr7");
        response.Properties.To.Should().Be("command_response/t1/d1/r7");
        response.ApplicationProperties["status"].Should().Be(503);
        response.Properties.ContentType.ToString().Should().Be("application/octet-stream");
        ((Data)response.BodySection).Binary.Should().BeEmpty();
    }

    [Test]
    public async Task CommandsThatNoSubscriptionTakesGetTheSpecsOutcomes()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 0);

        // Registered but not connected (e3), disabled (off) and unknown devices, another tenant, no device.
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e3", "x"))).Should().BeOfType<Released>();
        AssertRejected(await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "off", "x")), "hono:bad-request", "device is disabled or not registered");
        AssertRejected(await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "ghost", "x")), "hono:bad-request", "device is disabled or not registered");
        var otherTenant = CommandApplication.Command("t2", "d1", "x");
        AssertRejected(await bed.Application.SendAsync("command/t1", otherTenant), "amqp:unauthorized-access", "unauthorized to send command to tenant");
        var noDevice = CommandApplication.Command("t1", "d1", "x");
        noDevice.Properties.To = "command/t1";
        AssertRejected(await bed.Application.SendAsync("command/t1", noDevice), "hono:bad-request", "invalid command target address");
        var noSubject = CommandApplication.Command("t1", "d1", "x");
        noSubject.Properties.Subject = null;
        AssertRejected(await bed.Application.SendCommandAsync(noSubject), "hono:bad-request", "malformed command message");
    }

    [Test]
    public async Task CommandsOfAnUnknownTenantAreRejected()
    {
        await using var bed = await CommandTestBed.StartAsync();

        AssertRejected(await bed.Application.SendAsync("command/nope", CommandApplication.Command("nope", "d1", "x")),
            "hono:bad-request", "tenant is disabled or not registered");
    }

    [Test]
    public async Task ApplicationsMaySendToThePerDeviceAddressWithoutTo()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);
        var command = CommandApplication.Command("t1", "d1", "x", "direct");
        command.Properties.To = null;

        (await bed.Application.SendAsync("command/t1/d1", command)).Should().BeOfType<Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command///req//x");
    }

    [Test]
    public async Task CommandsArriveInTheOrderTheApplicationSentThem()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);

        // The sender link is attached first, so that the 20 sends below are transferred in the order they are made.
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "first"))).Should().BeOfType<Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().EndWith("/first");
        var sends = Enumerable.Range(0, 20).Select(i => bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", $"n{i}"))).ToList();
        var outcomes = await Task.WhenAll(sends);
        var names = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            names.Add((await inbox.NextAsync()).ApplicationMessage.Topic.Split('/')[5]);
        }

        outcomes.Should().AllBeOfType<Accepted>();
        names.Should().Equal(Enumerable.Range(0, 20).Select(i => $"n{i}"));
    }

    [Test]
    public async Task AfterTheSessionEndsItsCommandsAreReleased()
    {
        await using var bed = await CommandTestBed.StartAsync(new Dictionary<string, string?> { ["hono:mqtt:sendMessageToDeviceTimeout"] = "0" });
        var device = await bed.ConnectDeviceAsync();
        var inbox = new DeviceInbox(device, acknowledge: false);
        await CommandTestBed.SubscribeAsync(device, "command///req/#", 1);

        var pending = bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "x"), TimeSpan.FromSeconds(20));
        await inbox.NextAsync();
        device.Dispose();

        (await pending).Should().BeOfType<Released>();
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "d1", "x"))).Should().BeOfType<Released>();
    }

    internal static void AssertRejected(Outcome outcome, string condition, string description)
    {
        var rejected = outcome.Should().BeOfType<Rejected>().Subject;
        rejected.Error.Condition.ToString().Should().Be(condition);
        rejected.Error.Description.Should().Be(description);
    }
}
