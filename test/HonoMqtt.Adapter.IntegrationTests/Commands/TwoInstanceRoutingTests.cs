using System.Globalization;
using System.Text;
using Amqp;
using Amqp.Framing;
using FluentAssertions;
using HonoMqtt.Adapter.Commands;
using HonoMqtt.Adapter.Commands.Amqp;
using HonoMqtt.Adapter.Downstream;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>
/// Two adapter instances on one broker, nothing of ours between them (docs/architecture.md, "Command routing"): a
/// command reaches the device on whichever instance holds its session, the response comes back, and when the device
/// moves to the other instance its commands follow.
/// </summary>
public abstract class TwoInstanceRoutingTests
{
    // Each test has its own tenant: the broker keeps what earlier tests left on its queues.
    private string _tenant = CommandTestBed.Tenant;

    protected abstract Address BrokerAddress { get; }

    protected abstract IDictionary<string, string?> NetworkSettings { get; }

    /// <summary>The broker's name for a Hono address (RabbitMQ: a queue).</summary>
    protected abstract string OnNetwork(string address);

    /// <summary>How <c>hono-mqtt-cli</c> reaches the broker.</summary>
    protected abstract IReadOnlyList<string> CliArguments { get; }

    [SetUp]
    public void NewTenant() => _tenant = "r" + Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task ACommandReachesTheDeviceOnEitherInstanceAndFollowsItWhenItMoves()
    {
        await using var a = await StartInstanceAsync("instance-a");
        await using var b = await StartInstanceAsync("instance-b");
        await using var events = await NetworkEvents.AttachAsync(BrokerAddress, OnNetwork($"event/{_tenant}"));
        await using var application = await CommandApplication.ConnectAsync(BrokerAddress, OnNetwork);
        var responses = await application.ReceiveResponsesAsync(_tenant, "app");

        // A gateway on B: B consumes Hono's tenant address too, and forwards what is not for its devices.
        using var gateway = await MqttTestClient.ConnectDeviceAsync(b.MqttPort, $"gw@{_tenant}", CommandTestBed.GatewaySecret);
        (await CommandTestBed.SubscribeAsync(gateway, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        (await events.NextTtdAsync("gw")).Should().Be(-1);

        var device = await MqttTestClient.ConnectDeviceAsync(a.MqttPort, $"a1@{_tenant}", "pw1");
        await AnswerCommandsAsync(device, "on A");
        (await CommandTestBed.SubscribeAsync(device, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        (await events.NextTtdAsync("d1")).Should().Be(-1);

        await ExpectRoundTripsAsync(application, responses, "on A");

        // The device answers before its PUBACK of the command is read; a command still unsettled when the device leaves
        // is released, and RabbitMQ would deliver it again (to B): let A settle them first.
        var limits = a.Services.GetRequiredService<CommandLimits>();
        await Poll.UntilAsync(() => limits.InFlight == 0, "A settled its commands");
        await device.DisconnectAsync();
        device.Dispose();
        (await events.NextTtdAsync("d1")).Should().Be(0);
        using var moved = await MqttTestClient.ConnectDeviceAsync(b.MqttPort, $"a1@{_tenant}", "pw1");
        await AnswerCommandsAsync(moved, "on B");
        (await CommandTestBed.SubscribeAsync(moved, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        (await events.NextTtdAsync("d1")).Should().Be(-1);

        await ExpectRoundTripsAsync(application, responses, "on B");
        a.Services.GetRequiredService<AmqpCommandConsumer>().Addresses.Should().BeEmpty("nobody on A subscribed any more");
        b.Services.GetRequiredService<AmqpCommandConsumer>().Addresses.Should().BeEquivalentTo($"command/{_tenant}", $"command/{_tenant}/gw", $"command/{_tenant}/d1");
    }

    [Test]
    public async Task AGatewaysPlusSubscriptionTakesItsDevicesCommandsOnItsInstance()
    {
        await using var a = await StartInstanceAsync("instance-a");
        await using var b = await StartInstanceAsync("instance-b");
        await using var events = await NetworkEvents.AttachAsync(BrokerAddress, OnNetwork($"event/{_tenant}"));
        await using var application = await CommandApplication.ConnectAsync(BrokerAddress, OnNetwork);
        using var device = await MqttTestClient.ConnectDeviceAsync(a.MqttPort, $"a1@{_tenant}", "pw1");
        (await CommandTestBed.SubscribeAsync(device, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        using var gateway = await MqttTestClient.ConnectDeviceAsync(b.MqttPort, $"gw@{_tenant}", CommandTestBed.GatewaySecret);
        var inbox = new DeviceInbox(gateway);
        (await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        (await events.NextTtdAsync("gw")).Should().Be(-1);

        // Both forms: the device address, and Hono's tenant address (consumed by A and B, forwarded by A).
        for (var i = 0; i < 4; i++)
        {
            var command = CommandApplication.Command(_tenant, "e1", $"open{i}");
            var address = i % 2 == 0 ? $"command/{_tenant}/e1" : $"command/{_tenant}";
            (await application.SendAsync(address, command)).Should().BeOfType<Accepted>();
        }

        var topics = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            topics.Add((await inbox.NextAsync(TimeSpan.FromSeconds(15))).ApplicationMessage.Topic);
        }

        topics.Should().BeEquivalentTo(Enumerable.Range(0, 4).Select(i => $"command//e1/req//open{i}"));
    }

    [Test]
    public async Task ACommandOnTheTenantAddressForADeviceOfAnotherInstanceIsForwardedToItsDeviceAddress()
    {
        // Instance A holds d1 and so consumes the tenant address; "another instance" holding e3 is played by a receiver
        // on e3's device address.
        await using var a = await StartInstanceAsync("instance-a");
        await using var application = await CommandApplication.ConnectAsync(BrokerAddress, OnNetwork);
        await using var otherInstance = await AmqpTestReceiver.AttachAsync(BrokerAddress, OnNetwork($"command/{_tenant}/e3"));
        using var device = await MqttTestClient.ConnectDeviceAsync(a.MqttPort, $"a1@{_tenant}", "pw1");
        (await CommandTestBed.SubscribeAsync(device, "command///req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);

        var command = CommandApplication.Command(_tenant, "e3", "forward-me", "payload", replyId: "app", correlationId: "fw-1");
        (await application.SendAsync($"command/{_tenant}", command)).Should().BeOfType<Accepted>();
        var forwarded = await otherInstance.NextAsync(TimeSpan.FromSeconds(15));

        forwarded.Properties.To.Should().Be($"command/{_tenant}/e3");
        forwarded.Properties.Subject.Should().Be("forward-me");
        forwarded.Properties.CorrelationId.Should().Be("fw-1");
        forwarded.Properties.ReplyTo.Should().Be($"command_response/{_tenant}/app");
        Encoding.UTF8.GetString(((Data)forwarded.BodySection).Binary).Should().Be("payload");
    }

    [Test]
    public async Task AGatewaysPlusSubscriptionFollowsTheRegistry()
    {
        await using var a = await StartInstanceAsync("instance-a");
        await using var application = await CommandApplication.ConnectAsync(BrokerAddress, OnNetwork);
        using var gateway = await MqttTestClient.ConnectDeviceAsync(a.MqttPort, $"gw@{_tenant}", CommandTestBed.GatewaySecret);
        var inbox = new DeviceInbox(gateway);
        (await CommandTestBed.SubscribeAsync(gateway, "command//+/req/#")).Should().Be(MqttClientSubscribeResultCode.GrantedQoS1);
        var consumer = a.Services.GetRequiredService<AmqpCommandConsumer>();
        consumer.Addresses.Should().BeEquivalentTo($"command/{_tenant}", $"command/{_tenant}/gw", $"command/{_tenant}/e1", $"command/{_tenant}/e2");

        // e3 gets gw as its gateway, e1 loses it.
        var registry = CommandTestBed.Registry(tenant: _tenant)
            .Replace("\"e3\": { \"enabled\": true }", "\"e3\": { \"enabled\": true, \"via\": [ \"gw\" ] }")
            .Replace("\"e1\": { \"enabled\": true, \"via\": [ \"gw\" ] }", "\"e1\": { \"enabled\": true }");
        await a.UpdateRegistryAsync(registry);
        await Poll.UntilAsync(() => consumer.Addresses.Contains($"command/{_tenant}/e3") && !consumer.Addresses.Contains($"command/{_tenant}/e1"),
            "the receivers follow the registry");

        (await application.SendAsync($"command/{_tenant}/e3", CommandApplication.Command(_tenant, "e3", "now-mine"))).Should().BeOfType<Accepted>();
        (await inbox.NextAsync(TimeSpan.FromSeconds(15))).ApplicationMessage.Topic.Should().Be("command//e3/req//now-mine");
    }

    [Test]
    public async Task TheReadmeWalkThroughWorksOnEitherInstance()
    {
        // mosquitto_sub waits for commands on one instance, the CLI sends a request to the broker, mosquitto_pub answers,
        // the CLI prints the response.
        await using var a = await StartInstanceAsync("instance-a");
        await using var b = await StartInstanceAsync("instance-b");
        var cli = await Embedded.CliBuild.EnsureBuiltAsync();
        foreach (var (instance, name) in new[] { (a, "A"), (b, "B") })
        {
            var device = new MosquittoOptions
            {
                Port = instance.MqttPort, Topic = "command///req/#", Qos = 1, Username = $"a1@{_tenant}", Password = "pw1",
            };
            await using var subscription = await MosquittoClients.SubscribeAsync(device);
            await using var command = ChildProcess.Start("dotnet",
            [
                cli, "command", .. CliArguments, "--tenant", _tenant, "--device", "d1", "--name", "setBrightness", "--payload", $"level 7 via {name}",
                "--request", "--timeout-seconds", "30",
            ]);

            var line = await subscription.NextLineAsync(TimeSpan.FromSeconds(20));
            var requestId = line.Split(' ')[0].Split('/')[4];
            var answer = await MosquittoClients.PublishAsync(device with { Topic = $"command///res/{requestId}/200", ClientId = null }, $"done by {name}");
            var exitCode = await command.Exited.WaitAsync(TimeSpan.FromSeconds(30));

            line.Should().Be($"command///req/{requestId}/setBrightness level 7 via {name}");
            answer.ExitCode.Should().Be(0, answer.ToString());
            exitCode.Should().Be(0, command.Tail());
            command.StandardOutput.Should().Contain(": accepted").And.Contain("  property status: 200 (int)")
                .And.Contain($"body ({$"done by {name}".Length} bytes): done by {name}");
        }
    }

    private async Task ExpectRoundTripsAsync(CommandApplication application, AmqpTestReceiver responses, string where)
    {
        // Four request/response commands, alternately on the device's address and on Hono's tenant address.
        for (var i = 0; i < 4; i++)
        {
            var correlationId = $"{where}-{i}";
            var command = CommandApplication.Command(_tenant, "d1", "ping", correlationId, replyId: "app", correlationId: correlationId);
            var address = i % 2 == 0 ? $"command/{_tenant}/d1" : $"command/{_tenant}";
            (await application.SendAsync(address, command)).Should().BeOfType<Accepted>();
            var response = await responses.NextAsync(TimeSpan.FromSeconds(15));
            response.Properties.CorrelationId.Should().Be(correlationId);
            response.ApplicationProperties["status"].Should().Be(200);
            Encoding.UTF8.GetString(((Data)response.BodySection).Binary).Should().Be($"pong {where}: {correlationId}");
        }
    }

    /// <summary>Answers every command with status 200 and "pong &lt;where&gt;: &lt;payload&gt;".</summary>
    private static Task AnswerCommandsAsync(IMqttClient device, string where)
    {
        device.ApplicationMessageReceivedAsync += async e =>
        {
            var requestId = e.ApplicationMessage.Topic.Split('/')[4];
            var payload = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
            await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"command///res/{requestId}/200")
                .WithPayload($"pong {where}: {payload}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        };
        return Task.CompletedTask;
    }

    private async Task<RunningAdapter> StartInstanceAsync(string name)
    {
        var settings = new Dictionary<string, string?>(NetworkSettings)
        {
            ["hono:messaging:host"] = BrokerAddress.Host,
            ["hono:messaging:port"] = BrokerAddress.Port.ToString(CultureInfo.InvariantCulture),
            ["hono:messaging:name"] = name,
            ["hono:messaging:linkEstablishmentTimeout"] = "5000",
            ["hono:messaging:sendMessageTimeout"] = "5000",
            ["hono:mqtt:sendMessageToDeviceTimeout"] = "5000",
        };
        var adapter = await RunningAdapter.StartAsync(CommandTestBed.Registry(tenant: _tenant), settings);
        var sender = adapter.Services.GetRequiredService<IDownstreamSender>();
        var consumer = adapter.Services.GetRequiredService<AmqpCommandConsumer>();
        await Poll.UntilAsync(() => sender.IsReady && consumer.IsReady, $"{name} is connected to the broker", TimeSpan.FromSeconds(20));
        return adapter;
    }
}

/// <summary>On the Qpid Proton example broker: a queue per address, created on first use.</summary>
[CancelAfter(120_000)]
public sealed class ProtonBrokerRoutingTests : TwoInstanceRoutingTests
{
    private ProtonBroker? _broker;

    protected override Address BrokerAddress => _broker!.Address;

    protected override IDictionary<string, string?> NetworkSettings => new Dictionary<string, string?>();

    [OneTimeSetUp]
    public async Task StartBrokerAsync() => _broker = await ProtonBroker.StartAsync();

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    protected override string OnNetwork(string address) => address;

    protected override IReadOnlyList<string> CliArguments => ["--port", _broker!.Port.ToString(CultureInfo.InvariantCulture)];
}

/// <summary>On RabbitMQ 3.x with its AMQP 1.0 plugin: Hono's addresses rewritten to queues.</summary>
[CancelAfter(180_000)]
public sealed class RabbitMqRoutingTests : TwoInstanceRoutingTests
{
    private RabbitMqBroker? _broker;

    protected override Address BrokerAddress => _broker!.Address;

    protected override IDictionary<string, string?> NetworkSettings => new Dictionary<string, string?>
    {
        ["hono:messaging:username"] = RabbitMqBroker.Username,
        ["hono:messaging:password"] = RabbitMqBroker.Password,
        ["hono:messaging:addressRewriteRule"] = "^(.*)$ /queue/${enc:1}",
    };

    [OneTimeSetUp]
    public async Task StartBrokerAsync() => _broker = await RabbitMqBroker.StartAsync();

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    protected override string OnNetwork(string address) => RabbitMqBroker.QueueAddress(address);

    protected override IReadOnlyList<string> CliArguments =>
        ["--port", _broker!.Port.ToString(CultureInfo.InvariantCulture), "--username", RabbitMqBroker.Username, "--password", RabbitMqBroker.Password, "--rabbitmq"];
}
