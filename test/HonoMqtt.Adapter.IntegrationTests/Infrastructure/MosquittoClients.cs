namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>Runs Debian's <c>mosquitto_pub</c> and <c>mosquitto_sub</c> (package mosquitto-clients) against 127.0.0.1.</summary>
public static class MosquittoClients
{
    public const string Pub = "/usr/bin/mosquitto_pub";
    public const string Sub = "/usr/bin/mosquitto_sub";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// <c>mosquitto_pub &lt;options&gt; -m &lt;message&gt;</c> (<c>-n</c>, an empty message, if <paramref name="message"/> is null).
    /// Exit code 0 means it connected, published and (QoS 1/2) got the acknowledgement; on a connection error it exits
    /// with a non-zero code and says why on stderr (e.g. <c>Error: Connection refused</c>, <c>Connection error: Connection Refused: not authorised.</c>).
    /// </summary>
    public static Task<ProcessResult> PublishAsync(MosquittoOptions options, string? message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunAsync(Pub, [.. options.ToArguments(), .. message is null ? new[] { "-n" } : ["-m", message]], timeout, cancellationToken);

    /// <summary>
    /// <c>mosquitto_sub &lt;options&gt; -v -C &lt;count&gt; -W &lt;seconds&gt;</c>: waits for <paramref name="count"/> messages, at most
    /// <paramref name="waitSeconds"/> (then exits with 27). Each stdout line is <c>topic payload</c>. Use <see cref="SubscribeAsync"/>
    /// when the subscription must be in place before something publishes.
    /// </summary>
    public static Task<ProcessResult> SubscribeOnceAsync(MosquittoOptions options, int count, int waitSeconds, CancellationToken cancellationToken = default) =>
        RunAsync(
            Sub,
            [.. options.ToArguments(), "-v", "-C", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-W", waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(waitSeconds) + DefaultTimeout,
            cancellationToken);

    /// <summary>
    /// Starts <c>mosquitto_sub &lt;options&gt; -v</c> in the background and returns once the broker acknowledged the subscription
    /// (SUBACK); fails if the client exits first (connection refused, not authorised, ...).
    /// </summary>
    public static Task<MosquittoSubscription> SubscribeAsync(MosquittoOptions options, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        MosquittoSubscription.StartAsync(options, timeout ?? DefaultTimeout, cancellationToken);

    /// <summary>Runs one of the clients with any arguments; killed at <paramref name="timeout"/> (default 15 s) and the result says so.</summary>
    public static Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ChildProcess.RunAsync(program, arguments, timeout ?? DefaultTimeout, cancellationToken);
}
