using Amqp;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>A message the peer received, with the target address of the link it came on.</summary>
public sealed record ReceivedTransfer(string Target, Message Message)
{
    public string? MessageId => Message.Properties?.MessageId;
}
