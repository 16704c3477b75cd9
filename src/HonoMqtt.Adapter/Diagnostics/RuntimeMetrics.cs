using System.Diagnostics;
using System.Text;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// The .NET runtime's state, under <c>dotnet_*</c> and <c>process_*</c> names that no Hono dashboard uses (Hono's own
/// components report the JVM's instead; api/Metrics.md counts neither as part of its metric definition).
/// </summary>
internal static class RuntimeMetrics
{
    private static readonly double StartTime = Process.GetCurrentProcess().StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds;

    public static void WriteTo(StringBuilder output, (string Name, string Value)[] common)
    {
        var gc = GC.GetGCMemoryInfo();
        Gauge(output, common, "process_working_set_bytes", "Physical memory of the process", Environment.WorkingSet);
        Counter(output, common, "process_cpu_seconds_total", "CPU time of the process (user and system)", Environment.CpuUsage.TotalTime.TotalSeconds);
        Gauge(output, common, "process_start_time_seconds", "Start time of the process since the Unix epoch", StartTime);

        PrometheusText.Header(output, "dotnet_gc_collections_total", "counter", "Garbage collections by generation");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            PrometheusText.Sample(output, "dotnet_gc_collections_total", [.. common, ("generation", "gen" + generation)], GC.CollectionCount(generation));
        }

        Gauge(output, common, "dotnet_gc_heap_size_bytes", "Managed heap size after the last collection", gc.HeapSizeBytes);
        Gauge(output, common, "dotnet_gc_committed_bytes", "Memory committed by the GC", gc.TotalCommittedBytes);
        Counter(output, common, "dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap", GC.GetTotalAllocatedBytes());
        Counter(output, common, "dotnet_gc_pause_seconds_total", "Time the runtime was paused for garbage collection", GC.GetTotalPauseDuration().TotalSeconds);
        Gauge(output, common, "dotnet_threadpool_threads", "Thread pool threads", ThreadPool.ThreadCount);
        Gauge(output, common, "dotnet_threadpool_queue_length", "Work items queued on the thread pool, not yet started", ThreadPool.PendingWorkItemCount);
        Counter(output, common, "dotnet_threadpool_completed_items_total", "Work items the thread pool completed", ThreadPool.CompletedWorkItemCount);
        Counter(output, common, "dotnet_monitor_lock_contention_total", "Contended lock acquisitions", Monitor.LockContentionCount);
    }

    private static void Gauge(StringBuilder output, (string, string)[] common, string name, string help, double value)
    {
        PrometheusText.Header(output, name, "gauge", help);
        PrometheusText.Sample(output, name, common, value);
    }

    private static void Counter(StringBuilder output, (string, string)[] common, string name, string help, double value)
    {
        PrometheusText.Header(output, name, "counter", help);
        PrometheusText.Sample(output, name, common, value);
    }
}
