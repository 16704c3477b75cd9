namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>The consumers attached on one address; they share its messages round-robin.</summary>
internal sealed class ConsumerGroup
{
    private ConsumerLinkEndpoint[] _members = [];
    private uint _next;

    /// <summary>A snapshot, safe to iterate while links come and go.</summary>
    public ConsumerLinkEndpoint[] Members => Volatile.Read(ref _members);

    /// <summary>Where the next send starts looking for a consumer with credit.</summary>
    public int NextStart(int count) => (int)(Interlocked.Increment(ref _next) % (uint)count);

    /// <summary>Adds a member; callers serialise <see cref="Add"/> and <see cref="Remove"/>.</summary>
    public void Add(ConsumerLinkEndpoint endpoint) => Volatile.Write(ref _members, [.. _members, endpoint]);

    /// <summary>Removes a member and returns how many remain; callers serialise <see cref="Add"/> and <see cref="Remove"/>.</summary>
    public int Remove(ConsumerLinkEndpoint endpoint)
    {
        Volatile.Write(ref _members, Array.FindAll(_members, member => !ReferenceEquals(member, endpoint)));
        return _members.Length;
    }
}
