"""Milestone dependencies as a graph: pure functions."""

from __future__ import annotations

from collections.abc import Iterable


def has_cycle(edges: Iterable[tuple[int, int]]) -> bool:
    """True when the (milestone, predecessor) edges contain a cycle (a self-dependency counts)."""
    graph: dict[int, list[int]] = {}
    for node, predecessor in edges:
        graph.setdefault(node, []).append(predecessor)
        graph.setdefault(predecessor, [])
    visiting, done = 1, 2
    state: dict[int, int] = {}
    for root in graph:
        if root in state:
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        state[root] = visiting
        while stack:
            node, index = stack.pop()
            successors = graph[node]
            if index < len(successors):
                stack.append((node, index + 1))
                nxt = successors[index]
                if state.get(nxt) == visiting:
                    return True
                if nxt not in state:
                    state[nxt] = visiting
                    stack.append((nxt, 0))
            else:
                state[node] = done
    return False


def with_replaced(
    edges: Iterable[tuple[int, int]], milestone: int, predecessors: Iterable[int]
) -> list[tuple[int, int]]:
    """The edges once `milestone`'s predecessors are replaced."""
    return [e for e in edges if e[0] != milestone] + [(milestone, p) for p in predecessors]
