using System.Buffers;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HonoMqtt.Bench;

/// <summary>
/// Debian's mosquitto as the baseline: anonymous, no persistence, queues large enough not to drop at the measured
/// rates. Consumers are MQTT 5 shared subscribers (<c>$share/bench/…</c>) so that they split the load as the
/// adapter's AMQP receivers do.
/// </summary>
public sealed class MosquittoServer : IBenchServer
{
    private readonly ServerProcess _process;

    private MosquittoServer(ServerProcess process, int port)
    {
        _process = process;
        MqttPort = port;
    }

    public string Name => "mosquitto";

    public int Pid => _process.Pid;

    public int MqttPort { get; }

    public static async Task<MosquittoServer> StartAsync(string binary, string directory, string logFile)
    {
        var port = FreePort.Get();
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, $"mosquitto-{port}.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_connections -1
            max_queued_messages 100000
            log_dest stderr
            log_type error
            log_type warning
            """ + "\n");
        var process = ServerProcess.Start(binary, ["-c", config], logFile);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                break;
            }
            catch (SocketException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        return new MosquittoServer(process, port);
    }

    public (string? Username, string? Password) Credentials(int index) => (null, null);

    public async Task<IAsyncDisposable> AttachConsumersAsync(string endpoint, int qos, int consumers, LatencyRecorder recorder)
    {
        var clients = new List<IMqttClient>();
        for (var i = 0; i < consumers; i++)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += e =>
            {
                var payload = e.ApplicationMessage.Payload;
                recorder.Record(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
                return Task.CompletedTask;
            };
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"bench-consumer-{endpoint}-{i}").WithCleanSession().Build());
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter($"$share/bench/{endpoint}", (MqttQualityOfServiceLevel)qos).Build());
            clients.Add(client);
        }

        return new Subscribers(clients);
    }

    public Task<long?> EstablishedConnectionsAsync() => Task.FromResult<long?>(null);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private sealed class Subscribers(List<IMqttClient> clients) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var client in clients)
            {
                try
                {
                    await client.DisconnectAsync();
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
                {
                    // gone already
                }

                client.Dispose();
            }
        }
    }
}
