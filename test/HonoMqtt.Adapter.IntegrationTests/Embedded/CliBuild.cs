using System.Diagnostics;

namespace HonoMqtt.Adapter.IntegrationTests.Embedded;

/// <summary>
/// Finds <c>hono-mqtt-cli.dll</c> for the test's configuration in the CLI project's output (the test project has no
/// reference to it); builds it when missing or older than its sources.
/// </summary>
internal static class CliBuild
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> EnsureBuiltAsync()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = baseDirectory.Name;                 // net10.0
        var configuration = baseDirectory.Parent!.Name;     // Debug | Release
        var root = baseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "HonoMqtt.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("repository root (HonoMqtt.sln) not found above " + AppContext.BaseDirectory);
        }

        var project = Path.Combine(root.FullName, "src", "HonoMqtt.Cli");
        var dll = Path.Combine(project, "bin", configuration, framework, "hono-mqtt-cli.dll");
        await Gate.WaitAsync();
        try
        {
            var newestSource = Directory.EnumerateFiles(project, "*.cs", SearchOption.TopDirectoryOnly)
                .Append(Path.Combine(project, "HonoMqtt.Cli.csproj"))
                .Max(File.GetLastWriteTimeUtc);
            if (!File.Exists(dll) || File.GetLastWriteTimeUtc(dll) < newestSource)
            {
                await BuildAsync(project, configuration);
            }

            return dll;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task BuildAsync(string project, string configuration)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "build", project, "-c", configuration, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the CLI failed:\n{await output}\n{await errors}");
        }
    }
}
