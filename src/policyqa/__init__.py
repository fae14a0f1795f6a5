"""policyqa: offline Chinese question answering over government policy documents (公文).

Data flows one way: corpus -> structure -> chunks -> indexes -> retrieval -> answer -> edges.
"""

__version__ = "0.1.0"
