using Amqp;

namespace HonoMqtt.Adapter.Downstream;

/// <summary>
/// Hands messages to the AMQP 1.0 messaging network (an external network or the embedded endpoint).
/// </summary>
public interface IDownstreamSender
{
    /// <summary>True while messages can be handed over (the network connection is up).</summary>
    bool IsReady { get; }

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="address"/> (Hono's address, e.g. <c>telemetry/TENANT</c>,
    /// <c>event/TENANT</c>, <c>command_response/TENANT/REPLY-ID</c>; any rewriting is the sender's business).
    /// With <paramref name="waitForOutcome"/> the task completes with the peer's disposition
    /// (or a timeout after <c>sendMessageTimeout</c>); without it, it completes as soon as the transfer is
    /// handed over, reporting only failures known at once (not connected, no credit). Never throws for
    /// expected failures: they are values. Messages are never re-sent.
    /// </summary>
    Task<SendOutcome> SendAsync(string address, Message message, bool waitForOutcome, CancellationToken cancellationToken);
}
