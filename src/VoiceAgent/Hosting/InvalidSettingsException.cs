namespace VoiceAgent.Hosting;

/// <summary>The configuration has errors; <see cref="Errors"/> lists every one with its fix.</summary>
public sealed class InvalidSettingsException : InvalidOperationException
{
    public InvalidSettingsException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + " - " + string.Join(Environment.NewLine + " - ", errors)) => Errors = errors;

    public IReadOnlyList<string> Errors { get; }
}
