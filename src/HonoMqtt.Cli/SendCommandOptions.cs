using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace HonoMqtt.Cli;

/// <summary>Arguments of <c>hono-mqtt-cli command</c>.</summary>
internal sealed record SendCommandOptions
{
    public const string Usage =
        "usage: hono-mqtt-cli command --tenant <tenant> --device <device> --name <command> [--payload <text>] [--content-type <type>]"
        + " [--request] [--reply-id <id>] [--per-device-address] [--host 127.0.0.1] [--port 5672] [--username <u> --password <p>]"
        + " [--rabbitmq] [--timeout-seconds 30]";

    public required string Tenant { get; init; }

    public required string Device { get; init; }

    public required string Name { get; init; }

    public string? Payload { get; init; }

    public string ContentType { get; init; } = "text/plain";

    /// <summary>Request/response: set reply-to and wait for the device's response.</summary>
    public bool Request { get; init; }

    public string ReplyId { get; init; } = "cli-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Send to <c>command/&lt;tenant&gt;/&lt;device&gt;</c> instead of Hono's <c>command/&lt;tenant&gt;</c>.</summary>
    public bool PerDeviceAddress { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 5672;

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Use RabbitMQ's AMQP 1.0 addresses: <c>/queue/&lt;percent-encoded address&gt;</c>.</summary>
    public bool RabbitMq { get; init; }

    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Hono's address of the command, as the message's <c>to</c> names it.</summary>
    public string To => $"command/{Tenant}/{Device}";

    public string ReplyTo => $"command_response/{Tenant}/{ReplyId}";

    /// <summary>The link address the command is sent to (rewritten for RabbitMQ).</summary>
    public string TargetAddress => Rewrite(PerDeviceAddress ? To : $"command/{Tenant}");

    /// <summary>The link address the response is received on (rewritten for RabbitMQ).</summary>
    public string ResponseAddress => Rewrite(ReplyTo);

    private string Rewrite(string address) => RabbitMq ? "/queue/" + Uri.EscapeDataString(address) : address;

    public static bool TryParse(IReadOnlyList<string> args, [NotNullWhen(true)] out SendCommandOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--request" or "--per-device-address" or "--rabbitmq")
            {
                flags.Add(name);
                continue;
            }

            if (name is not ("--tenant" or "--device" or "--name" or "--payload" or "--content-type" or "--reply-id" or "--host" or "--port"
                or "--username" or "--password" or "--timeout-seconds"))
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

        foreach (var required in new[] { "--tenant", "--device", "--name" })
        {
            if (!values.TryGetValue(required, out var value) || value.Length == 0)
            {
                error = $"{required} is required";
                return false;
            }
        }

        if (values.ContainsKey("--username") != values.ContainsKey("--password"))
        {
            error = "--username and --password go together";
            return false;
        }

        if (!OptionValues.TryGetInt(values, "--port", 1, 65535, out var port, out error) || !OptionValues.TryGetInt(values, "--timeout-seconds", 1, 3600, out var timeout, out error))
        {
            return false;
        }

        var defaults = new SendCommandOptions { Tenant = string.Empty, Device = string.Empty, Name = string.Empty };
        options = new SendCommandOptions
        {
            Tenant = values["--tenant"],
            Device = values["--device"],
            Name = values["--name"],
            Payload = values.GetValueOrDefault("--payload"),
            ContentType = values.GetValueOrDefault("--content-type", defaults.ContentType),
            Request = flags.Contains("--request") || values.ContainsKey("--reply-id"),
            ReplyId = values.GetValueOrDefault("--reply-id", defaults.ReplyId),
            PerDeviceAddress = flags.Contains("--per-device-address"),
            Host = values.GetValueOrDefault("--host", defaults.Host),
            Port = port ?? defaults.Port,
            Username = values.GetValueOrDefault("--username"),
            Password = values.GetValueOrDefault("--password"),
            RabbitMq = flags.Contains("--rabbitmq"),
            TimeoutSeconds = timeout ?? defaults.TimeoutSeconds,
        };
        return true;
    }
}
