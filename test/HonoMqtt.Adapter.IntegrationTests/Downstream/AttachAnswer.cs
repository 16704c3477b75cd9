using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>What <see cref="ScriptedAmqpPeer"/> does with an attach: accept it, refuse it with an error, or never answer.</summary>
public sealed record AttachAnswer(Error? Refusal, bool Ignore = false)
{
    public static AttachAnswer Accept { get; } = new((Error?)null);

    public static AttachAnswer NeverAnswer { get; } = new(null, Ignore: true);

    public static AttachAnswer Refuse(string condition, string description = "refused by script") =>
        new(new Error(condition) { Description = description });

    public static AttachAnswer NotFound { get; } = Refuse(ErrorCode.NotFound, "no such node");
}
