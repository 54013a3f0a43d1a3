"""Categories: the connection's AliExpress category tree, manual category lines, and the stored AI assignments."""
