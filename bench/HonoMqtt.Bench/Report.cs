using System.Globalization;
using System.Text;

namespace HonoMqtt.Bench;

/// <summary>Medians over the repeated runs, adapter next to mosquitto with their ratio, as a Markdown table.</summary>
public static class Report
{
    public static string Throughput(IReadOnlyDictionary<(string Scenario, string Target), List<ThroughputRun>> runs)
    {
        var output = new StringBuilder();
        output.AppendLine("| Scenario | Measure | adapter | mosquitto | adapter / mosquitto |");
        output.AppendLine("|---|---|---:|---:|---:|");
        foreach (var scenario in runs.Keys.Select(k => k.Scenario).Distinct())
        {
            var adapter = runs.GetValueOrDefault((scenario, "adapter")) ?? [];
            var mosquitto = runs.GetValueOrDefault((scenario, "mosquitto")) ?? [];
            Row(output, scenario, "throughput, msg/s", adapter, mosquitto, r => r.MessagesPerSecond, "0");
            Row(output, scenario, "latency p50 at full speed, ms", adapter, mosquitto, r => r.P50AtMax, "0.00");
            Row(output, scenario, "latency p99 at full speed, ms", adapter, mosquitto, r => r.P99AtMax, "0.00");
            Row(output, scenario, "rate at half load, msg/s", adapter, mosquitto, r => r.HalfRateMessagesPerSecond, "0");
            Row(output, scenario, "latency p50 at half load, ms", adapter, mosquitto, r => r.P50AtHalf, "0.00");
            Row(output, scenario, "latency p99 at half load, ms", adapter, mosquitto, r => r.P99AtHalf, "0.00");
            Row(output, scenario, "server CPU s / 100k msgs", adapter, mosquitto, r => r.ServerCpuPer100k, "0.00");
            Row(output, scenario, "server CPU use at full speed, cores", adapter, mosquitto, r => r.ServerCpuShare, "0.00");
            Row(output, scenario, "bench process CPU s / 100k msgs (load + consumers)", adapter, mosquitto, r => r.BenchCpuPer100k, "0.00");
            Row(output, scenario, "publishes failed (connections closed)", adapter, mosquitto, r => r.Failed, "0", ratio: false);
            Row(output, scenario, "sent but not received in the window", adapter, mosquitto, r => r.Lost, "0", ratio: false);
        }

        return output.ToString();
    }

    public static string Idle(IReadOnlyDictionary<(int Connections, string Target), IdleRun> runs)
    {
        var output = new StringBuilder();
        output.AppendLine("| Idle connections | Measure | adapter | mosquitto | adapter / mosquitto |");
        output.AppendLine("|---|---|---:|---:|---:|");
        foreach (var count in runs.Keys.Select(k => k.Connections).Distinct())
        {
            var adapter = runs.GetValueOrDefault((count, "adapter"));
            var mosquitto = runs.GetValueOrDefault((count, "mosquitto"));
            Row(output, count.ToString(CultureInfo.InvariantCulture), "connected", Listed(adapter), Listed(mosquitto), r => r.Connected, "0", ratio: false);
            Row(output, count.ToString(CultureInfo.InvariantCulture), "RSS per connection, bytes", Listed(adapter), Listed(mosquitto), r => r.BytesPerConnection, "0");
            Row(output, count.ToString(CultureInfo.InvariantCulture), "managed heap growth per connection (as of the last GC), bytes", Listed(adapter), [], r => r.ManagedHeapBytesPerConnection ?? double.NaN, "0", ratio: false);
            Row(output, count.ToString(CultureInfo.InvariantCulture), "time to connect all, s", Listed(adapter), Listed(mosquitto), r => r.ConnectSeconds, "0.0");
        }

        return output.ToString();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static List<IdleRun> Listed(IdleRun? run) => run is null ? [] : [run];

    private static void Row<T>(StringBuilder output, string scenario, string measure, List<T> adapter, List<T> mosquitto, Func<T, double> value,
        string format, bool ratio = true)
    {
        var a = Median(adapter.Select(value));
        var m = Median(mosquitto.Select(value));
        var r = ratio && !double.IsNaN(a) && !double.IsNaN(m) && m != 0 ? (a / m).ToString("0.00", CultureInfo.InvariantCulture) : "";
        output.AppendLine(CultureInfo.InvariantCulture, $"| {scenario} | {measure} | {Format(a, format)} | {Format(m, format)} | {r} |");
    }

    private static string Format(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
