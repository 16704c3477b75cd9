using System.Diagnostics;
using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HonoMqtt.Bench;

/// <summary>
/// MQTTnet clients in this process, one per device: each publishes in a loop, waiting for the PUBACK at QoS 1 (so one
/// message per device in flight), at full speed or paced to a total rate. The first 8 payload bytes carry the send time.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly List<IMqttClient> _clients;
    private long _sent;
    private long _failed;
    private volatile bool _counting;

    private LoadGenerator(List<IMqttClient> clients) => _clients = clients;

    public int Connected => _clients.Count(c => c.IsConnected);

    /// <summary>
    /// Connects <paramref name="count"/> devices, <paramref name="parallel"/> CONNECTs at a time. Source addresses
    /// rotate over 127.0.0.1–127.0.0.N, 25,000 connections each, since one source address has only ~28,000 ports.
    /// </summary>
    public static async Task<LoadGenerator> ConnectAsync(IBenchServer server, int count, int parallel = 64, TimeSpan? keepAlive = null,
        int firstDevice = 0)
    {
        var clients = new IMqttClient[count];
        using var gate = new SemaphoreSlim(parallel);
        var failures = 0;
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var device = firstDevice + i;
                var (username, password) = server.Credentials(device);
                var builder = new MqttClientOptionsBuilder()
                    .WithEndPoint(new IPEndPoint(IPAddress.Loopback, server.MqttPort))
                    .WithTcpServer(o =>
                    {
                        o.LocalEndpoint = new IPEndPoint(new IPAddress([127, 0, 0, (byte)(1 + (i / 25_000))]), 0);
                        o.NoDelay = true;
                    })
                    .WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithClientId($"bench-{device}")
                    .WithCleanSession()
                    .WithTimeout(TimeSpan.FromSeconds(30))
                    .WithKeepAlivePeriod(keepAlive ?? TimeSpan.FromSeconds(60));
                if (username is not null)
                {
                    builder.WithCredentials(username, password);
                }

                var client = new MqttClientFactory().CreateMqttClient();
                var result = await client.ConnectAsync(builder.Build());
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    Interlocked.Increment(ref failures);
                }

                clients[i] = client;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        if (failures > 0)
        {
            Console.Error.WriteLine($"  {failures} of {count} connections to {server.Name} failed");
        }

        return new LoadGenerator(clients.Where(c => c is not null).ToList());
    }

    /// <summary>Messages sent while counting (between <see cref="StartCounting"/> and <see cref="StopCounting"/>).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Publishes that failed (the server closed the connection, or no PUBACK in time).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void StartCounting()
    {
        Interlocked.Exchange(ref _sent, 0);
        _counting = true;
    }

    public void StopCounting() => _counting = false;

    /// <summary>Publishes on every client until <paramref name="cancellationToken"/> is cancelled; <paramref name="rate"/> 0 = full speed.</summary>
    public Task RunAsync(string topic, int qos, int payloadSize, double rate, CancellationToken cancellationToken) =>
        Task.WhenAll(_clients.Select(client => Task.Run(() => PublishLoopAsync(client, topic, qos, payloadSize,
            rate > 0 ? rate / _clients.Count : 0, cancellationToken), CancellationToken.None)));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync();
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // gone already
            }

            client.Dispose();
        }
    }

    private async Task PublishLoopAsync(IMqttClient client, string topic, int qos, int payloadSize, double ratePerClient, CancellationToken cancellationToken)
    {
        var interval = ratePerClient > 0 ? TimeSpan.FromSeconds(1 / ratePerClient) : TimeSpan.Zero;
        var due = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && client.IsConnected)
        {
            if (interval > TimeSpan.Zero)
            {
                due += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    try
                    {
                        await Task.Delay(wait, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }

            var payload = new byte[payloadSize];
            BitConverter.TryWriteBytes(payload, Stopwatch.GetTimestamp());
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build();
            try
            {
                await client.PublishAsync(message, CancellationToken.None);
                if (_counting)
                {
                    Interlocked.Increment(ref _sent);
                }
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                Interlocked.Increment(ref _failed);
                return;
            }
        }
    }
}
