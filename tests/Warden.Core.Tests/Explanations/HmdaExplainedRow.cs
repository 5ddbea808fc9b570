namespace Warden.Core.Tests.Explanations;

/// <summary>One explained row of the Python fixture.</summary>
internal sealed record HmdaExplainedRow(int Row, double[] X, double Output, double Base, double[] Phi);
