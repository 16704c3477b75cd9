using System.Globalization;
using System.Runtime.InteropServices;

namespace HonoMqtt.Storm;

/// <summary>/proc readings and the few libc calls the benchmark needs.</summary>
public static class Native
{
    private const int RlimitNofile = 7;

    /// <summary>User + system CPU seconds of a process (fields 14 and 15 of /proc/PID/stat, 100 ticks a second).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string Machine()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        return $"{Environment.ProcessorCount} × {model}, {memory} RAM, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, .NET {Environment.Version}";
    }

    /// <summary>Raises the soft open-file limit (the adapter, a child, inherits it) as far as the hard limit allows.</summary>
    public static ulong RaiseFileLimit(ulong wanted)
    {
        if (GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }

        var target = new RLimit { Current = Math.Min(Math.Max(wanted, limit.Current), limit.Maximum), Maximum = limit.Maximum };
        _ = SetRLimit(RlimitNofile, ref target);
        return GetRLimit(RlimitNofile, out limit) == 0 ? limit.Current : 0;
    }

    [DllImport("libc", EntryPoint = "kill")]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit")]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
