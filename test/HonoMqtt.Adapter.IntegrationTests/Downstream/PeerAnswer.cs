using Amqp;
using Amqp.Framing;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>One scripted answer to a transfer.</summary>
public sealed record PeerAnswer(PeerAnswerKind Kind, Error? Error = null, bool UndeliverableHere = false)
{
    public static PeerAnswer Accept { get; } = new(PeerAnswerKind.Accept);

    public static PeerAnswer RejectWithoutError { get; } = new(PeerAnswerKind.RejectWithoutError);

    public static PeerAnswer Release { get; } = new(PeerAnswerKind.Release);

    public static PeerAnswer Hold { get; } = new(PeerAnswerKind.Hold);

    public static PeerAnswer CloseConnection { get; } = new(PeerAnswerKind.CloseConnection);

    public static PeerAnswer Reject(string condition, string? description = null) =>
        new(PeerAnswerKind.Reject, new Error(condition) { Description = description });

    public static PeerAnswer Modify(bool undeliverableHere) => new(PeerAnswerKind.Modify, UndeliverableHere: undeliverableHere);

    /// <summary>The delivery state to send, or null for the kinds that do not dispose the message.</summary>
    public DeliveryState? ToDeliveryState() => Kind switch
    {
        PeerAnswerKind.Accept => new Accepted(),
        PeerAnswerKind.Reject => new Rejected { Error = Error },
        PeerAnswerKind.RejectWithoutError => new Rejected(),
        PeerAnswerKind.Release => new Released(),
        PeerAnswerKind.Modify => new Modified { DeliveryFailed = true, UndeliverableHere = UndeliverableHere },
        _ => null,
    };
}
