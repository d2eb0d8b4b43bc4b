from fieldapp.cli import main

main()
