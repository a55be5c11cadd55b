// gslb-healthd (being built; see healthd/README.md).
int main() { return 2; }
