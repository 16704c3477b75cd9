using HonoMqtt.Adapter.Mqtt;

namespace HonoMqtt.Adapter.Commands;

/// <summary>
/// The command state of one MQTT session: its subscriptions (by key) and the commands published to it that wait for
/// their PUBACK. One lock guards both, and also the enqueueing of a command together with the registration of its packet
/// id, so that a PUBACK can never overtake the registration (field notes §3.2).
/// </summary>
public sealed class SessionCommands(DeviceSession session)
{
    private readonly Dictionary<CommandSubscriptionKey, SubscriptionEntry> _subscriptions = [];
    private readonly Dictionary<ushort, PendingAck> _pending = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;

    public DeviceSession Session { get; } = session;

    /// <summary>Taken around every change of this state.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True once the session ended; nothing is added any more.</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Completes when the session has ended.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Commands handed to this session and not settled yet (QoS 0 until written, QoS 1 until PUBACK or timeout).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Adds or replaces the subscription for its key and runs <paramref name="added"/> under the lock, so that a
    /// concurrent <see cref="Close"/> either comes first (false) or returns the entry. Returns the replaced one.
    /// </summary>
    public bool TryAdd(SubscriptionEntry entry, Action<SubscriptionEntry> added, out SubscriptionEntry? replaced)
    {
        lock (Gate)
        {
            replaced = null;
            if (IsClosed)
            {
                return false;
            }

            _subscriptions.Remove(entry.Subscription.Key, out replaced);
            _subscriptions[entry.Subscription.Key] = entry;
            added(entry);
            return true;
        }
    }

    public bool TryRemove(CommandSubscriptionKey key, out SubscriptionEntry? removed)
    {
        lock (Gate)
        {
            return _subscriptions.Remove(key, out removed);
        }
    }

    /// <summary>Removes <paramref name="entry"/> only if it is still this session's subscription for its key.</summary>
    public bool TryRemove(SubscriptionEntry entry)
    {
        lock (Gate)
        {
            if (_subscriptions.TryGetValue(entry.Subscription.Key, out var current) && ReferenceEquals(current, entry))
            {
                _subscriptions.Remove(entry.Subscription.Key);
                return true;
            }

            return false;
        }
    }

    /// <summary>Counts one more command in flight unless the session already has <paramref name="limit"/> of them.</summary>
    public bool TryStartCommand(int limit)
    {
        lock (Gate)
        {
            if (IsClosed || _inFlight >= limit)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    public void CommandFinished()
    {
        lock (Gate)
        {
            _inFlight--;
        }
    }

    /// <summary>Registers a PUBLISH waiting for its PUBACK; call with <see cref="Gate"/> held, right after enqueueing it.</summary>
    public void AddPendingLocked(ushort packetIdentifier, PendingAck pending) => _pending[packetIdentifier] = pending;

    /// <summary>Takes the pending command with this packet id, if any (PUBACK or timeout).</summary>
    public PendingAck? TakePending(ushort packetIdentifier)
    {
        lock (Gate)
        {
            return _pending.Remove(packetIdentifier, out var pending) ? pending : null;
        }
    }

    /// <summary>Takes <paramref name="pending"/> out if it is still waiting (after its timeout).</summary>
    public bool TryRemovePending(ushort packetIdentifier, PendingAck pending)
    {
        lock (Gate)
        {
            if (_pending.TryGetValue(packetIdentifier, out var current) && ReferenceEquals(current, pending))
            {
                _pending.Remove(packetIdentifier);
                return true;
            }

            return false;
        }
    }

    /// <summary>Closes the state for good: returns the subscriptions and the commands still waiting for a PUBACK.</summary>
    public (IReadOnlyList<SubscriptionEntry> Subscriptions, IReadOnlyList<PendingAck> Pending) Close()
    {
        lock (Gate)
        {
            IsClosed = true;
            var result = (_subscriptions.Values.ToList(), _pending.Values.ToList());
            _subscriptions.Clear();
            _pending.Clear();
            _ended.TrySetResult();
            return result;
        }
    }
}
