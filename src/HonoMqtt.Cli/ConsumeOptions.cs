using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HonoMqtt.Cli;

/// <summary>Arguments of <c>hono-mqtt-cli consume</c>.</summary>
internal sealed record ConsumeOptions
{
    public const string Usage =
        "usage: hono-mqtt-cli consume --tenant <tenant> [--host 127.0.0.1] [--port 5672] [--username <u> --password <p>]"
        + " [--address-prefix <prefix>] [--rabbitmq] [--count <n>] [--timeout-seconds <s>]";

    public required string Tenant { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5672;

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string AddressPrefix { get; init; } = string.Empty;

    /// <summary>Use RabbitMQ's AMQP 1.0 addresses: <c>/queue/&lt;percent-encoded address&gt;</c>.</summary>
    public bool RabbitMq { get; init; }

    /// <summary>Exit after this many messages; null = until Ctrl+C or the timeout.</summary>
    public int? Count { get; init; }

    /// <summary>Stop after this long; null = no limit.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The addresses to attach receivers on: telemetry and event of the tenant, rewritten as requested.</summary>
    public IReadOnlyList<string> Addresses =>
    [
        .. new[] { "telemetry", "event" }.Select(endpoint =>
        {
            var address = $"{AddressPrefix}{endpoint}/{Tenant}";
            return RabbitMq ? "/queue/" + Uri.EscapeDataString(address) : address;
        }),
    ];

    /// <summary>Parses the arguments after <c>consume</c>.</summary>
    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out ConsumeOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var rabbitMq = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--rabbitmq")
            {
                rabbitMq = true;
                continue;
            }

            if (name is not ("--tenant" or "--host" or "--port" or "--username" or "--password" or "--address-prefix" or "--count" or "--timeout-seconds"))
            {
                error = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return false;
            }

            values[name] = args[++i];
        }

        if (!values.TryGetValue("--tenant", out var tenant) || tenant.Length == 0)
        {
            error = "--tenant is required";
            return false;
        }

        if (values.ContainsKey("--username") != values.ContainsKey("--password"))
        {
            error = "--username and --password go together";
            return false;
        }

        if (!OptionValues.TryGetInt(values, "--port", 1, 65535, out var port, out error)
            || !OptionValues.TryGetInt(values, "--count", 1, int.MaxValue, out var count, out error)
            || !OptionValues.TryGetInt(values, "--timeout-seconds", 1, int.MaxValue, out var timeout, out error))
        {
            return false;
        }

        options = new ConsumeOptions
        {
            Tenant = tenant,
            Host = values.GetValueOrDefault("--host", "127.0.0.1"),
            Port = port ?? 5672,
            Username = values.GetValueOrDefault("--username"),
            Password = values.GetValueOrDefault("--password"),
            AddressPrefix = values.GetValueOrDefault("--address-prefix", string.Empty),
            RabbitMq = rabbitMq,
            Count = count,
            TimeoutSeconds = timeout,
        };
        return true;
    }
}
