using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using FluentAssertions;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using HonoMqtt.Adapter.IntegrationTests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;
using NUnit.Framework;

namespace HonoMqtt.Adapter.IntegrationTests.Brokers;

/// <summary>
/// A messaging network that ends the adapter's AMQP session while devices publish, as RabbitMQ does when it shuts down
/// (it ends sessions with <c>amqp:internal-error "shutdown"</c> before it closes the connection). For the adapter that is
/// the network going away: messages in flight fail with 503, nothing is logged as an error, and it reconnects.
/// </summary>
[CancelAfter(60_000)]
public sealed class SessionEndingNetworkTests
{
    private const string Tenant = "session-end";
    private const int Devices = 8;

    [Test]
    public async Task ASessionTheNetworkEndsWhileDevicesPublishIsNotAnAdapterErrorAndTheAdapterRecovers()
    {
        var network = SessionEndingPeer.Start(endSessionEvery: 20);
        try
        {
            // RunningAdapter fails the test on any Error log when it is disposed.
            await using var adapter = await RunningAdapter.StartAsync(BrokerScenario.Registry(Tenant, Devices),
                BrokerScenario.Messaging(network.Port, producer: "none", sendMessageTimeout: 2_000));
            await BrokerScenario.UntilConnectedAsync(adapter);
            using var stop = new CancellationTokenSource();

            // QoS 0 floods keep sends in progress at every moment; a failed one closes the device's connection, and it reconnects.
            var devices = Enumerable.Range(1, Devices).Select(d => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var client = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant, d);
                        while (client.IsConnected && !stop.IsCancellationRequested)
                        {
                            await BrokerScenario.PublishAsync(client, "telemetry", "reading", MqttQualityOfServiceLevel.AtMostOnce);
                        }
                    }
                    catch (Exception)
                    {
                        // the adapter closed the connection (or the test is over): connect again, unless stopped
                    }
                }
            })).ToArray();
            await Poll.UntilAsync(() => network.SessionsEnded >= 300, "the network ended 300 sessions", TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Task.WhenAll(devices).WaitAsync(BrokerScenario.Deadline);

            network.EndSessions = false;
            await BrokerScenario.UntilConnectedAsync(adapter);

            // A link of the last ended session may still be on its way out: a device retries, as real ones do.
            await Eventually.Until(async () =>
            {
                using var device = await BrokerScenario.ConnectDeviceAsync(adapter, Tenant);
                return (await BrokerScenario.PublishAsync(device, "event", "after", MqttQualityOfServiceLevel.AtLeastOnce)
                    .WaitAsync(BrokerScenario.Deadline)).IsSuccess;
            }, TimeSpan.FromSeconds(15), "the adapter reconnected by itself and PUBACKs events again");
        }
        finally
        {
            network.Dispose();
        }
    }

    /// <summary>Accepts every message, but ends the session of every n-th one instead (with RabbitMQ's shutdown error).</summary>
    private sealed class SessionEndingPeer : ILinkProcessor, IDisposable
    {
        private readonly ContainerHost _host;
        private readonly int _every;
        private int _messages;
        private int _sessionsEnded;

        private SessionEndingPeer(int port, int every)
        {
            Port = port;
            _every = every;
            _host = new ContainerHost(new Address("127.0.0.1", port, null, null, "/", "amqp"));
            _host.Listeners[0].SASL.EnableAnonymousMechanism = true;
            _host.RegisterLinkProcessor(this);
        }

        public int Port { get; }

        public volatile bool EndSessions = true;

        public int SessionsEnded => Volatile.Read(ref _sessionsEnded);

        public static SessionEndingPeer Start(int endSessionEvery)
        {
            var peer = new SessionEndingPeer(FreePort.Get(), endSessionEvery);
            peer._host.Open();
            return peer;
        }

        public void Process(AttachContext attachContext) => attachContext.Complete(new Endpoint(this), 1000);

        public void Dispose() => _host.Close();

        private sealed class Endpoint(SessionEndingPeer peer) : LinkEndpoint
        {
            public override void OnMessage(MessageContext messageContext)
            {
                if (peer.EndSessions && Interlocked.Increment(ref peer._messages) % peer._every == 0)
                {
                    Interlocked.Increment(ref peer._sessionsEnded);
                    messageContext.Link.Session.Close(TimeSpan.Zero, new Error(ErrorCode.InternalError) { Description = "shutdown" });
                    return;
                }

                messageContext.Complete();
            }

            public override void OnFlow(FlowContext flowContext)
            {
            }

            public override void OnDisposition(DispositionContext dispositionContext)
            {
            }
        }
    }
}
