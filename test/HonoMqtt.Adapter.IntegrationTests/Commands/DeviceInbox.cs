using System.Threading.Channels;
using MQTTnet;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>The PUBLISHes an MQTTnet device client receives; optionally without acknowledging them (no PUBACK).</summary>
internal sealed class DeviceInbox
{
    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _received = Channel.CreateUnbounded<MqttApplicationMessageReceivedEventArgs>();

    public DeviceInbox(IMqttClient client, bool acknowledge = true)
    {
        client.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = acknowledge;
            _received.Writer.TryWrite(e);
            return Task.CompletedTask;
        };
    }

    public async Task<MqttApplicationMessageReceivedEventArgs> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    public bool TryTake(out MqttApplicationMessageReceivedEventArgs? e) => _received.Reader.TryRead(out e);
}
