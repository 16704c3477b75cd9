using MQTTnet;
using MQTTnet.Formatter;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>MQTTnet's client, set up as a device would use it against the adapter.</summary>
public static class MqttTestClient
{
    public static MqttClientOptions Options(int port, string? username, string? password, MqttProtocolVersion version = MqttProtocolVersion.V311,
        string? clientId = null, TimeSpan? keepAlive = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(version)
            .WithClientId(clientId ?? "client-" + Guid.NewGuid().ToString("N")[..12])
            .WithCleanSession()
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithKeepAlivePeriod(keepAlive ?? TimeSpan.FromSeconds(30));
        if (username is not null)
        {
            builder.WithCredentials(username, password);
        }

        return builder.Build();
    }

    /// <summary>Connects and returns the client with the CONNACK result (failed CONNACKs are returned, not thrown).</summary>
    public static async Task<(IMqttClient Client, MqttClientConnectResult Result)> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        // MQTTnet 5 returns a refused CONNACK as the result; it throws only when no CONNACK arrives.
        var result = await client.ConnectAsync(options, CancellationToken.None);
        return (client, result);
    }

    /// <summary>Connects a device that must be accepted.</summary>
    public static async Task<IMqttClient> ConnectDeviceAsync(int port, string username, string password,
        MqttProtocolVersion version = MqttProtocolVersion.V311, string? clientId = null)
    {
        var (client, result) = await ConnectAsync(Options(port, username, password, version, clientId));
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"CONNECT refused: {result.ResultCode}");
        }

        return client;
    }

    /// <summary>Completes when the client sees its connection end.</summary>
    public static Task<MqttClientDisconnectedEventArgs> DisconnectedAsync(IMqttClient client)
    {
        var tcs = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            tcs.TrySetResult(e);
            return Task.CompletedTask;
        };
        return tcs.Task;
    }
}
