using FluentAssertions;
using Amqp.Framing;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>Commands through gateways (spec downstream-amqp.md §7.2, mqtt-adapter.md §6.3).</summary>
public sealed class GatewayCommandTests
{
    [Test]
    public async Task AGatewaySubscribedWithPlusGetsItsDevicesCommandsWithTheDeviceIdInTheTopic()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var inbox = new DeviceInbox(gateway);
        await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#", 1);

        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "open"))).Should().BeOfType<Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command//e1/req//open");
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "gw", "self"))).Should().BeOfType<Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command///req//self");
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e3", "not-mine"))).Should().BeOfType<Released>();
    }

    [Test]
    public async Task WithTenantInTheFilterTheTopicHasTenantAndDevice()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var inbox = new DeviceInbox(gateway);
        await CommandTestBed.SubscribeAsync(gateway, "c/t1/+/q/#", 0);

        await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e2", "open", replyId: "r", correlationId: "c1"));

        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be($"c/t1/e2/q/{Adapter.Commands.RequestId.Encode("c1", "r", "e2")}/open");
    }

    [Test]
    public async Task AGatewaySubscribedOnlyForItselfDoesNotGetItsDevicesCommands()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        await CommandTestBed.SubscribeAsync(gateway, "command///req/#", 1);

        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "open"))).Should().BeOfType<Released>();
    }

    [Test]
    public async Task AGatewaySubscribedForOneDeviceGetsItsCommandsUntilItMayNoLongerActForIt()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var inbox = new DeviceInbox(gateway);
        await CommandTestBed.SubscribeAsync(gateway, "command//e1/req/#", 1);

        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "open"))).Should().BeOfType<Accepted>();
        (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command//e1/req//open");
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e2", "other"))).Should().BeOfType<Released>();

        await bed.Adapter.UpdateRegistryAsync(CommandTestBed.Registry().Replace("\"e1\": { \"enabled\": true, \"via\": [ \"gw\" ] }", "\"e1\": { \"enabled\": true }"));

        CommandDeliveryTests.AssertRejected(await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "open")),
            "hono:bad-request", "gateway is disabled or not registered");
    }

    [Test]
    public async Task ADevicesOwnSubscriptionWinsOverItsGatewaysAndCommandsFallBackToTheGatewayWhenItLeaves()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var gatewayInbox = new DeviceInbox(gateway);
        await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#", 1);
        var edge = await MqttTestClient.ConnectDeviceAsync(bed.Adapter.MqttPort, "e2@t1", "e2-secret");
        var edgeInbox = new DeviceInbox(edge);
        await CommandTestBed.SubscribeAsync(edge, "command///req/#", 1);
        (await bed.NextTtdAsync("e2")).Should().Be(-1);

        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e2", "direct"))).Should().BeOfType<Accepted>();
        (await edgeInbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command///req//direct");

        await edge.DisconnectAsync();
        (await bed.NextTtdAsync("e2")).Should().Be(0);
        (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e2", "via-gateway"))).Should().BeOfType<Accepted>();
        (await gatewayInbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command//e2/req//via-gateway");
        edge.Dispose();
    }

    [Test]
    public async Task AGatewayAnswersForItsDeviceAndTheResponseNamesTheDevice()
    {
        await using var bed = await CommandTestBed.StartAsync();
        using var gateway = await bed.ConnectGatewayAsync();
        var inbox = new DeviceInbox(gateway);
        await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#", 1);
        var responses = await bed.Application.ReceiveResponsesAsync("t1", "e1/app");

        await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "e1", "read", replyId: "e1/app", correlationId: "c-e1"));
        var requestId = (await inbox.NextAsync()).ApplicationMessage.Topic.Split('/')[4];
        await gateway.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command//e1/res/{requestId}/200/?content-type=text%2Fplain")
            .WithPayload("42").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var response = await responses.NextAsync();

        response.Properties.To.Should().Be("command_response/t1/e1/app");
        response.Properties.CorrelationId.Should().Be("c-e1");
        response.Properties.ContentType.ToString().Should().Be("text/plain");
        response.ApplicationProperties["device_id"].Should().Be("e1");
        System.Text.Encoding.UTF8.GetString(((Data)response.BodySection).Binary).Should().Be("42");
    }
}

/// <summary>Commands for a device with several gateways follow the gateway it last came through [Hono updateLastGateway].</summary>
public sealed class LastKnownGatewayTests
{
    private const string Registry = """
        {
          "tenants": { "t1": {} },
          "devices": {
            "t1": {
              "gw1": { "credentials": [ { "type": "hashed-password", "auth-id": "gw1", "secrets": [ { "pwd-plain": "s" } ] } ] },
              "gw2": { "credentials": [ { "type": "hashed-password", "auth-id": "gw2", "secrets": [ { "pwd-plain": "s" } ] } ] },
              "edge": { "via": [ "gw1", "gw2" ] }
            }
          }
        }
        """;

    [Test]
    public async Task ACommandGoesToTheGatewayThatLastPublishedForTheDevice()
    {
        await using var bed = await CommandTestBed.StartAsync(registry: Registry);
        await using var telemetry = await bed.Adapter.AttachReceiverAsync("telemetry/t1");
        using var gw1 = await MqttTestClientFor(bed, "gw1@t1");
        using var gw2 = await MqttTestClientFor(bed, "gw2@t1");
        var inbox1 = new DeviceInbox(gw1);
        var inbox2 = new DeviceInbox(gw2);
        await CommandTestBed.SubscribeAsync(gw1, "command//+/req/#", 0);
        await CommandTestBed.SubscribeAsync(gw2, "command//+/req/#", 0);

        foreach (var (gateway, inbox) in new[] { (gw2, inbox2), (gw1, inbox1) })
        {
            await gateway.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic("telemetry//edge").WithPayload("x")
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            (await telemetry.NextAsync()).ApplicationProperties["device_id"].Should().Be("edge");

            (await bed.Application.SendCommandAsync(CommandApplication.Command("t1", "edge", "open"))).Should().BeOfType<Amqp.Framing.Accepted>();

            (await inbox.NextAsync()).ApplicationMessage.Topic.Should().Be("command//edge/req//open");
        }
    }

    private static Task<MQTTnet.IMqttClient> MqttTestClientFor(CommandTestBed bed, string username) =>
        HonoMqtt.Adapter.IntegrationTests.Harness.MqttTestClient.ConnectDeviceAsync(bed.Adapter.MqttPort, username, "s");
}
