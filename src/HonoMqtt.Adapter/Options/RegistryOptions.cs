namespace HonoMqtt.Adapter.Options;

/// <summary>Options of section <c>hono:registry</c>.</summary>
public sealed class RegistryOptions
{
    public const string Section = "hono:registry";

    /// <summary>The registry file (JSON). Unset: the built-in demo registry.</summary>
    public string? Path { get; set; }

    /// <summary>How often the file is checked for changes (ms).</summary>
    public int ReloadInterval { get; set; } = 500;

    public bool UsesDemoRegistry => string.IsNullOrWhiteSpace(Path);

    public IEnumerable<string> Validate()
    {
        if (!UsesDemoRegistry && !File.Exists(Path))
        {
            yield return $"hono:registry:path: file '{Path}' does not exist";
        }

        if (ReloadInterval is <= 0 or > 2000)
        {
            yield return $"hono:registry:reloadInterval must be between 1 and 2000 ms (was {ReloadInterval})";
        }
    }
}
