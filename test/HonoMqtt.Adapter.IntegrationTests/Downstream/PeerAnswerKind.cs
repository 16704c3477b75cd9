namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>What <see cref="ScriptedAmqpPeer"/> does with a transfer it receives.</summary>
public enum PeerAnswerKind
{
    Accept,
    Reject,
    RejectWithoutError,
    Release,
    Modify,

    /// <summary>Never answer (the message is held; <see cref="ScriptedAmqpPeer.AnswerHeld"/> can answer later).</summary>
    Hold,

    /// <summary>Close the whole connection (<c>amqp:connection:forced</c>) instead of answering.</summary>
    CloseConnection,
}
