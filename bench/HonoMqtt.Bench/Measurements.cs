namespace HonoMqtt.Bench;

/// <summary>What one run of a throughput scenario measured on one server.</summary>
public sealed record ThroughputRun(
    double MessagesPerSecond,
    double P50AtMax,
    double P99AtMax,
    double HalfRateMessagesPerSecond,
    double P50AtHalf,
    double P99AtHalf,
    double ServerCpuPer100k,
    double BenchCpuPer100k,
    double ServerCpuShare,
    long Failed,
    long Lost);

/// <summary>What one idle-connections run measured on one server.</summary>
public sealed record IdleRun(int Connections, int Connected, double BytesPerConnection, double? ManagedHeapBytesPerConnection, double ConnectSeconds);
