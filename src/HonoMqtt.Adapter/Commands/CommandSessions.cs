using System.Collections.Concurrent;
using HonoMqtt.Adapter.Mqtt;

namespace HonoMqtt.Adapter.Commands;

/// <summary>The command state of every session that subscribed or got a command.</summary>
public sealed class CommandSessions
{
    private readonly ConcurrentDictionary<DeviceSession, SessionCommands> _states = new(ReferenceEqualityComparer.Instance);

    public int Count => _states.Count;

    /// <summary>The session's state, created on first use; null once the session has ended.</summary>
    public SessionCommands? GetOrAdd(DeviceSession session) =>
        session.IsEnded ? _states.GetValueOrDefault(session) : _states.GetOrAdd(session, static s => new SessionCommands(s));

    public SessionCommands? Find(DeviceSession session) => _states.GetValueOrDefault(session);

    public SessionCommands? Remove(DeviceSession session) => _states.TryRemove(session, out var state) ? state : null;
}
