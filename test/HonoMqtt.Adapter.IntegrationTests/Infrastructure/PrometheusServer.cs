using System.Globalization;
using System.Text.Json;

namespace HonoMqtt.Adapter.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's <c>prometheus</c> (installed by scripts/install-test-deps.sh) on a free loopback port, scraping the given
/// <c>/prometheus</c> targets every second, with its data in a temporary directory.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/prometheus";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _http;

    private PrometheusServer(ChildProcess process, DirectoryInfo directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>Starts the server on <paramref name="port"/> and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(int port, IEnumerable<int> targetPorts)
    {
        var directory = Directory.CreateTempSubdirectory("hono-mqtt-prometheus-");
        var config = Path.Combine(directory.FullName, "prometheus.yml");
        var targets = string.Join(", ", targetPorts.Select(p => $"'127.0.0.1:{p}'"));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: adapters
                metrics_path: /prometheus
                static_configs:
                  - targets: [{targets}]
            """);
        var process = ChildProcess.Start(Executable,
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        ], workingDirectory: directory.FullName);
        var server = new PrometheusServer(process, directory, port);
        try
        {
            await Eventually.Until(async ct =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited: {process.Tail()}");
                }

                try
                {
                    using var response = await server._http.GetAsync("-/ready", ct);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "prometheus is ready");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The single value of an instant query, or null when the result is empty.</summary>
    public async Task<double?> QueryAsync(string query)
    {
        var body = await _http.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
        using var doc = JsonDocument.Parse(body);
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null
            : double.Parse(result[0].GetProperty("value")[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
