using System.Globalization;
using System.Runtime.InteropServices;

namespace HonoMqtt.Bench;

/// <summary>What <c>/proc</c> tells about a process: CPU time and resident memory.</summary>
public static class ProcFs
{
    private const int ClockTicksPerSecond = 100;   // sysconf(_SC_CLK_TCK) on Linux
    private const int RlimitNofile = 7;

    /// <summary>User + system CPU seconds of <paramref name="pid"/> (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / ClockTicksPerSecond;
    }

    /// <summary>Resident set size in bytes (<c>VmRSS</c>).</summary>
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>The 1-minute load average: other work on the machine skews every figure.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static string Machine()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memory = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        return $"{Environment.ProcessorCount} × {model}, {memory} RAM, {os}, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, " +
               $".NET {Environment.Version}";
    }

    /// <summary>Raises this process's open-file limit (children inherit it); root may raise the hard limit too.</summary>
    public static ulong RaiseFileLimit(ulong wanted)
    {
        if (GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }

        var target = new RLimit { Current = wanted, Maximum = Math.Max(wanted, limit.Maximum) };
        if (SetRLimit(RlimitNofile, ref target) != 0)
        {
            target = new RLimit { Current = Math.Min(wanted, limit.Maximum), Maximum = limit.Maximum };
            _ = SetRLimit(RlimitNofile, ref target);
        }

        return GetRLimit(RlimitNofile, out limit) == 0 ? limit.Current : 0;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
