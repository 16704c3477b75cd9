using Amqp;
using HonoMqtt.Adapter.IntegrationTests.Harness;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>
/// The adapter on the embedded endpoint with a registry made for commands, a receiver on <c>event/t1</c> (connection
/// events and ttd notifications) and a command application.
/// </summary>
internal sealed class CommandTestBed : IAsyncDisposable
{
    public const string Tenant = "t1";
    public const string GatewaySecret = "gw-secret";

    private readonly List<Message> _unclaimed = [];

    private CommandTestBed(RunningAdapter adapter, AmqpTestReceiver events, CommandApplication application)
    {
        Adapter = adapter;
        Events = events;
        Application = application;
    }

    public RunningAdapter Adapter { get; }

    /// <summary>The application's receiver on <c>event/t1</c>.</summary>
    public AmqpTestReceiver Events { get; }

    public CommandApplication Application { get; }

    /// <summary>
    /// Tenant t1: device d1 (a1/pw1), gateway gw (gw/gw-secret) that may act for e1 and e2, device e3 (no gateway),
    /// disabled device off, device u1 for unauthenticated tests; e2 may also connect itself (e2/e2-secret).
    /// </summary>
    public static string Registry(string tenantExtra = "", string tenant = Tenant) => $$"""
        {
          "tenants": { "{{tenant}}": { "enabled": true {{tenantExtra}} } },
          "devices": {
            "{{tenant}}": {
              "d1": { "enabled": true, "credentials": [ { "type": "hashed-password", "auth-id": "a1", "secrets": [ { "pwd-plain": "pw1" } ] } ] },
              "gw": { "enabled": true, "credentials": [ { "type": "hashed-password", "auth-id": "gw", "secrets": [ { "pwd-plain": "{{GatewaySecret}}" } ] } ] },
              "e1": { "enabled": true, "via": [ "gw" ] },
              "e2": { "enabled": true, "via": [ "gw" ], "credentials": [ { "type": "hashed-password", "auth-id": "e2", "secrets": [ { "pwd-plain": "e2-secret" } ] } ] },
              "e3": { "enabled": true },
              "off": { "enabled": false },
              "u1": { "enabled": true }
            }
          }
        }
        """;

    public static async Task<CommandTestBed> StartAsync(IDictionary<string, string?>? settings = null, string? registry = null)
    {
        var adapter = await RunningAdapter.StartAsync(registry ?? Registry(), settings);
        var events = await adapter.AttachReceiverAsync($"event/{Tenant}");
        var application = await CommandApplication.ConnectAsync(adapter.AmqpPort);
        return new CommandTestBed(adapter, events, application);
    }

    public Task<IMqttClient> ConnectDeviceAsync(MqttProtocolVersion version = MqttProtocolVersion.V311) =>
        MqttTestClient.ConnectDeviceAsync(Adapter.MqttPort, "a1@t1", "pw1", version);

    public Task<IMqttClient> ConnectGatewayAsync(MqttProtocolVersion version = MqttProtocolVersion.V311) =>
        MqttTestClient.ConnectDeviceAsync(Adapter.MqttPort, "gw@t1", GatewaySecret, version);

    public static async Task<MqttClientSubscribeResultCode> SubscribeAsync(IMqttClient client, string filter, int qos = 1)
    {
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, (MqttQualityOfServiceLevel)qos).Build());
        return result.Items.Single().ResultCode;
    }

    /// <summary>The next "time until disconnect" notification for <paramref name="deviceId"/> (other events are kept for later calls).</summary>
    public async Task<Message> NextNotificationAsync(string deviceId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_unclaimed)
            {
                var index = _unclaimed.FindIndex(m => IsNotificationFor(m, deviceId));
                if (index >= 0)
                {
                    var found = _unclaimed[index];
                    _unclaimed.RemoveAt(index);
                    return found;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no ttd notification for {deviceId}");
            }

            var next = await Events.NextAsync(left);
            lock (_unclaimed)
            {
                _unclaimed.Add(next);
            }
        }
    }

    /// <summary>The ttd of the next notification for <paramref name="deviceId"/>.</summary>
    public async Task<int> NextTtdAsync(string deviceId, TimeSpan? timeout = null) =>
        (int)(await NextNotificationAsync(deviceId, timeout)).ApplicationProperties["ttd"];

    /// <summary>Notifications received so far and not claimed, for checking that none came.</summary>
    public IReadOnlyList<Message> DrainNotifications()
    {
        while (Events.TryTake(out var message))
        {
            lock (_unclaimed)
            {
                _unclaimed.Add(message!);
            }
        }

        lock (_unclaimed)
        {
            return _unclaimed.Where(m => m.Properties.ContentType == "application/vnd.eclipse-hono-empty-notification").ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Application.DisposeAsync();
        await Events.DisposeAsync();
        await Adapter.DisposeAsync();
    }

    private static bool IsNotificationFor(Message message, string deviceId) =>
        message.Properties?.ContentType == "application/vnd.eclipse-hono-empty-notification"
        && message.ApplicationProperties?["device_id"] as string == deviceId;
}
