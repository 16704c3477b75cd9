using System.Diagnostics;
using System.Text.Json;
using Amqp;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// The whole adapter against RabbitMQ 3.10's AMQP 1.0 plugin, configured as Hono documents it for RabbitMQ: SASL PLAIN
/// and <c>addressRewriteRule = "^(.*)$ /queue/${enc:1}"</c>, so that <c>event/&lt;tenant&gt;</c> becomes the queue of that
/// name. One node for the fixture (it takes seconds to start); each test has its own tenant, hence its own queues.
/// </summary>
/// <remarks>
/// Queue declaration: the tests rely on the adapter's first attach creating <c>event/&lt;tenant&gt;</c>, as it happens in a
/// deployment that uses this rewrite rule without provisioning queues. RabbitMQ declares the queue durable only because
/// the adapter's event links ask for a durable target; a plain target would give a transient queue, which a restart
/// deletes with every accepted event in it. Declaring the queue in the test first would hide exactly that, so the tests
/// do not, and check the queue's durability instead.
/// </remarks>
[NonParallelizable]
[CancelAfter(150_000)]
public sealed class RabbitMqEndToEndTests
{
    private const string RewriteRule = "^(.*)$ /queue/${enc:1}";

    private RabbitMqBroker _broker = null!;

    [OneTimeSetUp]
    public async Task StartBroker() => _broker = await RabbitMqBroker.StartAsync();

    [OneTimeTearDown]
    public async Task StopBroker() => await _broker.DisposeAsync();

    private async Task<RunningAdapter> StartAdapterAsync(string registry, string producer)
    {
        // A generous send timeout: RabbitMQ accepts a persistent message only after writing it to disk, on a busy 2-core machine.
        var settings = BrokerScenario.Messaging(_broker.Port, producer, sendMessageTimeout: 5_000,
            username: RabbitMqBroker.Username, password: RabbitMqBroker.Password, addressRewriteRule: RewriteRule);
        var adapter = await RunningAdapter.StartAsync(registry, settings);
        await BrokerScenario.UntilConnectedAsync(adapter, TimeSpan.FromSeconds(30));
        return adapter;
    }

    private async Task<bool> IsDurableQueueAsync(string queue, CancellationToken cancellationToken)
    {
        var result = await _broker.RabbitMqCtlAsync(["list_queues", "--quiet", "--no-table-headers", "name", "durable"], cancellationToken);
        result.Succeeded.Should().BeTrue(result.ToString());
        return result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries).Contains($"{queue}\ttrue");
    }

    private static bool IsNotification(Message message) => message.Properties.ContentType.ToString() == BrokerScenario.NotificationType;

    private static string Cause(Message message) =>
        JsonDocument.Parse(BrokerScenario.BodyText(message)).RootElement.GetProperty("cause").GetString()!;

    [Test]
    public async Task NoPubAckedEventIsLostInABrokerRestart(CancellationToken cancellationToken)
    {
        // Tenant "rabbit-restart": 5 devices × 40 events, all PUBACKed before the restart, must all be there after it.
        // Tenant "rabbit-busy": 3 devices keep publishing through the restart; those that got a PUBACK must be there.
        const string quiet = "rabbit-restart";
        const string busy = "rabbit-busy";
        const int quietDevices = 5;
        const int eventsPerDevice = 40;
        const int busyDevices = 3;

        // No connection events here, so that the queues hold exactly the devices' events.
        await using var adapter = await StartAdapterAsync(BrokerScenario.Registry((quiet, quietDevices), (busy, busyDevices)), producer: "none");
        var clients = new List<IMqttClient>();
        try
        {
            for (var d = 1; d <= quietDevices; d++)
            {
                clients.Add(await BrokerScenario.ConnectDeviceAsync(adapter, quiet, d));
            }

            var clock = Stopwatch.StartNew();
            var acked = await Task.WhenAll(clients.Select(async (client, index) =>
            {
                var payloads = new List<string>();
                for (var n = 0; n < eventsPerDevice; n++)
                {
                    var payload = $"d{index + 1}-{n}";
                    var result = await BrokerScenario.PublishAsync(client, "event", payload, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
                    result.IsSuccess.Should().BeTrue($"event {payload} must be PUBACKed: {result.ReasonCode}");
                    payloads.Add(payload);
                }

                return payloads;
            }));
            var ackedBefore = acked.SelectMany(p => p).ToList();
            await TestContext.Progress.WriteLineAsync($"{ackedBefore.Count} events PUBACKed in {clock.Elapsed.TotalSeconds:0.0} s");
            ackedBefore.Should().HaveCount(quietDevices * eventsPerDevice);
            (await IsDurableQueueAsync($"event/{quiet}", cancellationToken)).Should().BeTrue("the adapter's event link asked for a durable queue");

            var ackedThrough = await PublishThroughARestartAsync(adapter, busy, busyDevices, cancellationToken);

            (await _broker.CountMessagesAsync($"event/{quiet}", cancellationToken)).Should().Be(ackedBefore.Count,
                "every event the devices got a PUBACK for was accepted by RabbitMQ, persistently, and survives the restart");
            await using (var consumer = await RabbitMqQueueConsumer.AttachAsync(_broker, $"event/{quiet}"))
            {
                var received = await consumer.NextAsync(ackedBefore.Count, TimeSpan.FromSeconds(30));
                received.Select(BrokerScenario.BodyText).Should().BeEquivalentTo(ackedBefore, "each PUBACKed event is there once");
                foreach (var message in received)
                {
                    message.Header.Durable.Should().BeTrue();
                    message.Properties.To.Should().Be($"event/{quiet}", "the rewrite rule applies to the link's target, not to the message's 'to'");
                    message.ApplicationProperties["qos"].Should().BeOfType<int>().And.Be(1);
                    message.ApplicationProperties["device_id"].Should().Be(BrokerScenario.BodyText(message).Split('-')[0]);
                    message.ApplicationProperties["orig_adapter"].Should().Be("hono-mqtt");
                }
            }

            var inQueue = await _broker.CountMessagesAsync($"event/{busy}", cancellationToken);
            inQueue.Should().BeGreaterThanOrEqualTo(ackedThrough.Count);
            await using (var consumer = await RabbitMqQueueConsumer.AttachAsync(_broker, $"event/{busy}", credit: 500))
            {
                var received = (await consumer.NextAsync((int)inQueue, TimeSpan.FromSeconds(30))).Select(BrokerScenario.BodyText).ToList();
                received.Should().OnlyHaveUniqueItems("the adapter never re-sends a message");
                received.Should().Contain(ackedThrough, "an event the device got a PUBACK for must not be lost in the restart");
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task WhileTheBrokerIsDownDevicesGetErrorsAndOnceItIsBackTheAdapterReconnectsByItself(CancellationToken cancellationToken)
    {
        const string tenant = "rabbit-outage";
        const string queue = $"event/{tenant}";
        await using var adapter = await StartAdapterAsync(BrokerScenario.Registry(tenant, 2), producer: "events");
        var messaging = BrokerScenario.MessagingClient(adapter);
        using var first = await BrokerScenario.ConnectDeviceAsync(adapter, tenant, 1, clientId: "outage-1");
        (await BrokerScenario.PublishAsync(first, "event", "before", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken)).IsSuccess.Should().BeTrue();
        (await IsDurableQueueAsync(queue, cancellationToken)).Should().BeTrue();

        await _broker.StopAsync(cancellationToken);
        await Poll.UntilAsync(() => !messaging.IsReady, "the adapter noticed that RabbitMQ is gone", BrokerScenario.Deadline);

        // Not simply "1": a node that is shutting down may still take a connection for a moment before it goes.
        var connectsDuringOutage = messaging.ConnectCount;

        // A connected device gets no PUBACK and loses its connection; a new one is refused (its "connected" event
        // cannot be sent). Either answer comes from the adapter, which stays up.
        var disconnected = MqttTestClient.DisconnectedAsync(first);
        var during = BrokerScenario.PublishAsync(first, "event", "during", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);
        await BrokerScenario.ExpectNoPubAckAndClosedConnectionAsync(during, disconnected, "RabbitMQ is down");
        var (refused, refusal) = await MqttTestClient.ConnectAsync(
            MqttTestClient.Options(adapter.MqttPort, BrokerScenario.Username(2, tenant), BrokerScenario.Password(2), clientId: "outage-2"));
        refused.Dispose();
        refusal.ResultCode.Should().Be(MqttClientConnectResultCode.ServerUnavailable);

        await _broker.RestartAsync(cancellationToken);
        await Poll.UntilAsync(() => messaging.IsReady, "the adapter reconnected to RabbitMQ on its own", BrokerScenario.Deadline);
        messaging.ConnectCount.Should().BeGreaterThan(connectsDuringOutage, "the same adapter, not restarted, connected again");

        using var second = await BrokerScenario.ConnectDeviceAsync(adapter, tenant, 2, clientId: "outage-2");
        for (var n = 0; n < 5; n++)
        {
            (await BrokerScenario.PublishAsync(second, "event", $"after-{n}", MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken))
                .IsSuccess.Should().BeTrue();
        }

        // In the queue, in order: connected (outage-1), "before", connected (outage-2), "after-0..4". The "disconnected"
        // of outage-1 fell into the outage and is lost (a Warning): Hono does not re-send messages either.
        (await _broker.CountMessagesAsync(queue, cancellationToken)).Should().Be(8);
        await using var consumer = await RabbitMqQueueConsumer.AttachAsync(_broker, queue);
        var received = await consumer.NextAsync(8);
        received.Where(m => !IsNotification(m)).Select(BrokerScenario.BodyText).Should()
            .Equal("before", "after-0", "after-1", "after-2", "after-3", "after-4");
        received.Where(IsNotification).Select(m => (Cause(m), (string)m.ApplicationProperties["device_id"])).Should()
            .Equal(("connected", "d1"), ("connected", "d2"));
    }

    /// <summary>
    /// Devices of <paramref name="tenant"/> publish event after event while the broker restarts; when one is not
    /// acknowledged the device reconnects and goes on with the next one (a new payload: the test never re-sends, so
    /// every payload in the queue is there at most once). Returns the payloads that were PUBACKed.
    /// </summary>
    [Test]
    public async Task NoPubAckedEventIsLostWhenTheBrokerIsKilledUnderLoad(CancellationToken cancellationToken)
    {
        // 10 devices keep publishing QoS 1 events while RabbitMQ is killed with SIGKILL and started again: every event a
        // device got a PUBACK for must be in the durable queue afterwards (a PUBACK means "persisted by the broker").
        const string tenant = "rabbit-kill";
        await using var adapter = await StartAdapterAsync(BrokerScenario.Registry((tenant, 10)), producer: "none");

        var acked = await PublishThroughARestartAsync(adapter, tenant, 10, cancellationToken, kill: true);

        // After an unclean stop RabbitMQ rebuilds its queue indexes while it already accepts connections: the count
        // may still grow for a while. Wait for it (bounded); a count that stays below the PUBACKed ones is a loss.
        long inQueue = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && (inQueue = await _broker.CountMessagesAsync($"event/{tenant}", cancellationToken)) < acked.Count)
        {
            await Task.Delay(500, cancellationToken);
        }

        await TestContext.Progress.WriteLineAsync($"{inQueue} events in the queue after the crash, {acked.Count} PUBACKed");
        inQueue.Should().BeGreaterThanOrEqualTo(acked.Count);
        await using var consumer = await RabbitMqQueueConsumer.AttachAsync(_broker, $"event/{tenant}", credit: 500);
        var received = (await consumer.NextAsync((int)inQueue, TimeSpan.FromSeconds(60))).Select(BrokerScenario.BodyText).ToList();
        received.Should().OnlyHaveUniqueItems("the adapter never re-sends a message");
        received.Should().Contain(acked, "an event the device got a PUBACK for must survive the broker's crash");
    }

    private async Task<IReadOnlyCollection<string>> PublishThroughARestartAsync(RunningAdapter adapter, string tenant, int devices,
        CancellationToken cancellationToken, bool kill = false)
    {
        var acked = new System.Collections.Concurrent.ConcurrentBag<string>();
        var ackedAfterRestart = new int[devices];
        var failures = 0;
        var restarted = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task DeviceLoopAsync(int device)
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                IMqttClient? client = null;
                try
                {
                    client = await BrokerScenario.ConnectDeviceAsync(adapter, tenant, device);
                    while (!stop.IsCancellationRequested)
                    {
                        var payload = $"d{device}-{n++}";
                        await BrokerScenario.PublishAsync(client, "event", payload, MqttQualityOfServiceLevel.AtLeastOnce, stop.Token);
                        acked.Add(payload);
                        if (Volatile.Read(ref restarted))
                        {
                            Interlocked.Increment(ref ackedAfterRestart[device - 1]);
                        }
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                    try
                    {
                        await Task.Delay(50, stop.Token);   // the device's own back-off before it reconnects
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    // the test is done with this device
                }
                finally
                {
                    client?.Dispose();
                }
            }
        }

        var loops = Enumerable.Range(1, devices).Select(d => Task.Run(() => DeviceLoopAsync(d), CancellationToken.None)).ToArray();
        await Poll.UntilAsync(() => acked.Count >= 30, "the devices are publishing", BrokerScenario.Deadline);
        if (kill)
        {
            await _broker.KillAndRestartAsync(cancellationToken);
        }
        else
        {
            await _broker.RestartAsync(cancellationToken);
        }

        Volatile.Write(ref restarted, true);
        await Poll.UntilAsync(() => ackedAfterRestart.All(c => c >= 5), "every device's events are acknowledged again", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(loops).WaitAsync(BrokerScenario.Deadline, CancellationToken.None);
        await TestContext.Progress.WriteLineAsync($"{acked.Count} events PUBACKed, {failures} publishes or connects failed around the restart");

        failures.Should().BeGreaterThan(0, "the restart must have hit the devices, or this proves nothing");
        return acked;
    }
}
