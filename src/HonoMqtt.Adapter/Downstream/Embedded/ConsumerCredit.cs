namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>
/// Our own link-credit bookkeeping for one sending link of the embedded endpoint (not thread-safe: the owning
/// <see cref="ConsumerLinkEndpoint"/> guards it).
/// </summary>
/// <remarks>
/// AMQPNetLite 2.5.5's <c>ListenerLink</c> keeps an unsigned credit that it zeroes whenever a flow frame does not
/// raise its own limit (<c>delta &lt;= 0</c>, e.g. a duplicate flow from a receiver doing concurrent accepts), and that
/// wraps to <c>uint.MaxValue</c> on the next send. It only reports that <c>delta</c> (<c>FlowContext.Messages</c>),
/// not the flow's delivery-count and link-credit. We therefore model the library's limit
/// (<c>delivery-count + credit</c>, which sends leave unchanged modulo 2^32) to recover the peer's limit
/// from each delta, and derive the signed credit from our own delivery count. All counters are relative to the
/// delivery count at attach time and use serial-number arithmetic.
/// </remarks>
internal sealed class ConsumerCredit
{
    private uint _deliveryCount;
    private uint _libraryLimit;
    private uint _peerLimit;

    /// <summary>Transfers the peer currently allows; negative if it reduced its credit below what is in flight.</summary>
    public int Available => unchecked((int)(_peerLimit - _deliveryCount));

    /// <summary>Applies a flow frame as the library reported it.</summary>
    /// <param name="delta">The library's <c>FlowContext.Messages</c> for this flow.</param>
    /// <param name="libraryCreditNow">
    /// The library's (unsigned) credit, read after its flow processing while no send can run. Only needed when
    /// <paramref name="delta"/> is not positive: then the library reset its credit to 0 at the flow, and any send
    /// that slipped in between (it decremented that 0) shows up here.
    /// </param>
    public void OnFlow(int delta, uint libraryCreditNow)
    {
        unchecked
        {
            _peerLimit = _libraryLimit + (uint)delta;
            _libraryLimit = delta > 0 ? _peerLimit : _deliveryCount + libraryCreditNow;
        }
    }

    /// <summary>Consumes one credit for a transfer about to be sent; false (and nothing changes) without credit.</summary>
    public bool TryTake()
    {
        if (Available <= 0)
        {
            return false;
        }

        unchecked
        {
            _deliveryCount++;
        }

        return true;
    }

    /// <summary>Undoes <see cref="TryTake"/> when the library refused the transfer (it undoes its own count too).</summary>
    public void Return()
    {
        unchecked
        {
            _deliveryCount--;
        }
    }

    /// <summary>
    /// Records a completed drain (<c>ListenerLink.CompleteDrain</c>): the library advanced its delivery count by
    /// its credit, which must have equalled <see cref="Available"/>, and set its credit to 0.
    /// </summary>
    public void OnDrained()
    {
        if (Available > 0)
        {
            _deliveryCount = _peerLimit;
        }

        _libraryLimit = _deliveryCount;
    }
}
