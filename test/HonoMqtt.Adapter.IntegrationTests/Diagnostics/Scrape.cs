using System.Globalization;

namespace HonoMqtt.Adapter.IntegrationTests.Diagnostics;

/// <summary>One scrape of <c>/prometheus</c>: the samples by their full series name (<c>name{labels}</c>), and the comment lines.</summary>
public sealed class Scrape
{
    private Scrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                Comments.Add(line);
                continue;
            }

            var space = line.LastIndexOf(' ');
            Samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
    }

    public string Text { get; }

    public Dictionary<string, double> Samples { get; } = new(StringComparer.Ordinal);

    public List<string> Comments { get; } = [];

    public static Scrape Parse(string text) => new(text);

    /// <summary>The series name with the common labels and <paramref name="labels"/>, all sorted by name as the adapter writes them.</summary>
    public static string Series(string name, params (string Name, string Value)[] labels)
    {
        var all = labels.Concat([("component_name", "hono-mqtt"), ("component_type", "adapter"), ("host", Environment.MachineName)])
            .OrderBy(l => l.Item1, StringComparer.Ordinal)
            .Select(l => $"{l.Item1}=\"{l.Item2}\"");
        return $"{name}{{{string.Join(",", all)}}}";
    }

    public double? Value(string name, params (string Name, string Value)[] labels) =>
        Samples.TryGetValue(Series(name, labels), out var value) ? value : null;
}
