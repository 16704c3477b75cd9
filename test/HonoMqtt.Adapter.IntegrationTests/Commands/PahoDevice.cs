using HonoMqtt.Adapter.IntegrationTests.Infrastructure;

namespace HonoMqtt.Adapter.IntegrationTests.Commands;

/// <summary>
/// A device written with Eclipse Paho (Debian's python3-paho-mqtt 1.6, run by /usr/bin/python3): subscribes to a command
/// filter, prints <c>SUBACK &lt;granted&gt;</c> and <c>COMMAND &lt;topic&gt; &lt;qos&gt; &lt;payload&gt;</c>, and answers every
/// request/response command with status 200 and payload <c>pong:&lt;payload&gt;</c> at QoS 1 (<c>PUBACK</c> when acknowledged).
/// </summary>
internal sealed class PahoDevice : IAsyncDisposable
{
    private const string Script = """
        import sys
        import paho.mqtt.client as mqtt

        host, port, user, password, topic_filter, qos = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
        client = mqtt.Client(client_id="paho-" + user.replace("@", "-"), clean_session=True)
        client.username_pw_set(user, password)

        def on_connect(c, userdata, flags, rc):
            print("CONNACK", rc, flush=True)
            c.subscribe(topic_filter, qos)

        def on_subscribe(c, userdata, mid, granted):
            print("SUBACK", granted[0], flush=True)

        def on_message(c, userdata, message):
            payload = message.payload.decode()
            print("COMMAND", message.topic, message.qos, payload, flush=True)
            endpoint, tenant, device, req, request_id, name = message.topic.split("/", 5)
            if request_id:
                # Hono refuses a tenant without a device in publish topics: answer without the tenant.
                res = "s" if req == "q" else "res"
                c.publish(f"{endpoint}//{device}/{res}/{request_id}/200", ("pong:" + payload).encode(), qos=1)

        def on_publish(c, userdata, mid):
            print("PUBACK", mid, flush=True)

        client.on_connect = on_connect
        client.on_subscribe = on_subscribe
        client.on_message = on_message
        client.on_publish = on_publish
        client.connect(host, port, keepalive=30)
        client.loop_forever()
        """;

    private readonly ChildProcess _process;
    private readonly string _scriptPath;

    private PahoDevice(ChildProcess process, string scriptPath)
    {
        _process = process;
        _scriptPath = scriptPath;
    }

    public ChildProcess Process => _process;

    /// <summary>Starts the device and returns once its SUBACK arrived, with the granted QoS (128 = failure).</summary>
    public static async Task<(PahoDevice Device, int Granted)> StartAsync(int port, string username, string password, string filter, int qos)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"paho-device-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(scriptPath, Script);
        var process = ChildProcess.Start("/usr/bin/python3",
            ["-u", scriptPath, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), username, password, filter,
                qos.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var device = new PahoDevice(process, scriptPath);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var line = await process.WaitForLineAsync(l => l.StartsWith("SUBACK ", StringComparison.Ordinal), timeout.Token);
            return (device, int.Parse(line["SUBACK ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e)
        {
            var output = process.Tail();
            await device.DisposeAsync();
            throw new InvalidOperationException($"the paho device did not subscribe: {e.Message}{Environment.NewLine}{output}", e);
        }
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/> (lines already printed count).</summary>
    public async Task<string> WaitForLineAsync(string prefix, Func<string, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _process.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal) && (match?.Invoke(l) ?? true), timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        File.Delete(_scriptPath);
    }
}
