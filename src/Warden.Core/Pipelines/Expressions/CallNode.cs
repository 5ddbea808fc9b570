namespace Warden.Core.Pipelines.Expressions;

/// <summary>A call to a whitelisted function (checked by <see cref="TypeChecker"/>, not the parser).</summary>
internal sealed record CallNode(SourcePosition Position, string Name, IReadOnlyList<ExpressionNode> Arguments)
    : ExpressionNode(Position)
{
    public override int Height { get; } = Arguments.Count == 0 ? 1 : Arguments.Max(a => a.Height) + 1;
}
