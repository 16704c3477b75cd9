namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// One condition of <c>/readiness</c> [AbstractProtocolAdapterBase.registerReadinessChecks]: every service client the
/// adapter needs must be connected. Register more (e.g. the command consumer) as singletons of this interface.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }

    bool IsReady { get; }
}
