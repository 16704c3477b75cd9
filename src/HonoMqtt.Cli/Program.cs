// hono-mqtt-cli: tools for trying the adapter as a business application would use it.
Console.Error.WriteLine("usage: hono-mqtt-cli consume --tenant <tenant> [--host 127.0.0.1] [--port 5672]");
return 2;
